export { TenantEmulator, DEFAULT_TENANT, type CallerTokenOptions, type RecordedCall, type TenantEmulatorOptions } from './tenant-emulator.js';
export { createCertificateAuthority, issueServerCertificate, type PemPair } from './tls.js';
export type { FaultAction, FaultRule, Service } from './faults.js';

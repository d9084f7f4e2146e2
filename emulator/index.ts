export { TenantEmulator, DEFAULT_TENANT, type RecordedCall, type TenantEmulatorOptions } from './tenant-emulator.js';
export type { CallerTokenOptions } from './caller-tokens.js';
export { createCertificateAuthority, issueServerCertificate, type PemPair } from './tls.js';
export type { FaultAction, FaultRule, Service } from './faults.js';

import type { RecordedCall, TenantEmulator } from '../../emulator/index.js';
import { registerCli, type RegisterCliOptions } from '../../scripts/register/register-cli.js';
import { startTestEmulator } from '../support/emulator.js';

/** The sample tenant's Finance catalog and its Employees policy (of Payments - Approver). */
export const FINANCE = '26803898-8c26-4ca8-ba50-15552ecd4c9d';
export const EMPLOYEES = '94f213d6-cfa4-4bda-86f9-6bb659b87cb0';
export const PAYMENTS = '97979783-38c5-40ae-b74e-404935a04ffd';
export const FUNCTION_IDENTITY = '3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';
/** The function identity's app (client) id: what a custom task extension's authorizedApps lists. */
export const FUNCTION_CLIENT_ID = '9b8c7d6e-5f40-4a3b-8c2d-1e0f9a8b7c6d';
export const ASSIGNMENT_MANAGER = 'e2182095-804a-4656-ae11-64734e9b7ae5';

/** The catalog alone, and the catalog with the Employees policy calling the extension when a request is created. */
export const BASE = ['--catalog', FINANCE] as const;
export const ATTACH = [...BASE, '--policy', EMPLOYEES, '--stage', 'assignmentRequestCreated'] as const;

/** azd's outputs, as the infra names them. */
export const AZD_ENV = {
  AZURE_SUBSCRIPTION_ID: '6d1f7a52-2c0b-4e0e-9a55-7d2d5c1b9e41',
  RELAY_RESOURCE_GROUP: 'rg-entitlement-guard',
  RELAY_LOGIC_APP_NAME: 'eg-relay',
  FUNCTION_IDENTITY_PRINCIPAL_ID: FUNCTION_IDENTITY,
  FUNCTION_IDENTITY_CLIENT_ID: FUNCTION_CLIENT_ID,
} as const;

export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** Every Graph call the run made, in order. */
  readonly calls: RecordedCall[];
  /** The Graph writes among them (anything but GET). */
  readonly writes: RecordedCall[];
}

/**
 * `npm run register` in-process against `emulator`, which keeps its state between runs as a
 * tenant does; its call log is cleared first, so a run's calls are its own.
 */
export async function register(emulator: TenantEmulator, argv: readonly string[], env: Record<string, string> = AZD_ENV, options: Partial<RegisterCliOptions> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  emulator.clearCalls();
  const code = await registerCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, {
    env,
    openEmulator: () => Promise.resolve({ emulator, close: () => Promise.resolve() }),
    budgetMs: 3000,
    ...options,
  });
  const calls = emulator.calls({ service: 'graph' });
  return { code, out: out.join(''), err: err.join(''), calls, writes: calls.filter((c) => c.method !== 'GET') };
}

/** A fresh sample tenant. */
export function freshEmulator(tenant?: object): Promise<TenantEmulator> {
  return startTestEmulator(tenant === undefined ? {} : { tenant });
}

/** `METHOD /version/path` of recorded calls, query left out. */
export const lines = (calls: readonly RecordedCall[]): string[] => calls.map((c) => `${c.method} ${c.path}`);

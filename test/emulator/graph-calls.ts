import type { TenantEmulator } from '../../emulator/index.js';

export type Json = Record<string, unknown>;

export interface GraphAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Json;
}

/** A Graph token from the emulator's managed identity endpoint, with the roles the emulator grants now. */
export async function miToken(emulator: TenantEmulator): Promise<string> {
  const url = `${emulator.origin}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(emulator.origin)}&client_id=${emulator.managedIdentityClientId}`;
  const response = await fetch(url, { headers: { 'x-identity-header': emulator.identityHeader } });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** GET on the emulator's Graph; `path` includes the version and the query, sent as written. */
export async function graphGet(emulator: TenantEmulator, path: string, token: string, headers: Record<string, string> = {}): Promise<GraphAnswer> {
  const response = await fetch(path.startsWith('https://') ? path : `${emulator.origin}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: (text === '' ? {} : JSON.parse(text)) as Json };
}

export const EVENTUAL = { ConsistencyLevel: 'eventual' } as const;

/** The ids the sample tenant (emulator/tenants/contoso.json) gives its people. */
export const PEOPLE = {
  avery: 'a7529cd7-a86d-4455-8c43-00e7495481b0',
  morgan: '48ac3ed1-9245-4cf4-a110-6848de533e94',
  riley: '598d51ac-3d3e-446d-889d-6a6fd05db948',
  sam: '437be613-5955-4d7b-97a8-cfe7dd6736fe',
  jordanBlake: '5b0c9a7e-2f41-4c6d-9e8a-1d3b5f7a9c20',
  kai: 'a39bf638-76f8-4d85-b2a0-6a722fa05a11',
  casey: '7d2e4f60-8a1b-4c3d-9e5f-0a2b4c6d8e10',
  alex: '8448d88e-7861-4068-9f73-c72ca5c52f57',
  robin: '65bd6bb2-d72f-4ab0-8294-9da9ba15b140',
} as const;

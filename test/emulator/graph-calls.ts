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

/** Every page of a collection, following @odata.nextLink (absolute, on the emulator) until the last; stops at an error page. */
export async function graphPages(emulator: TenantEmulator, path: string, token: string, headers: Record<string, string> = {}): Promise<GraphAnswer[]> {
  const pages: GraphAnswer[] = [];
  for (let next: string | undefined = path; next !== undefined; ) {
    const page: GraphAnswer = await graphGet(emulator, next, token, headers);
    pages.push(page);
    next = page.status === 200 ? (page.json['@odata.nextLink'] as string | undefined) : undefined;
  }
  return pages;
}

/** The items of every page. */
export const itemsOf = (pages: readonly GraphAnswer[]): Json[] => pages.flatMap((p) => p.json['value'] as Json[]);

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
  rowan: '3727fd38-c06b-42a6-b984-0344779555f6',
  noor: '5e6c13ac-1147-4685-a32a-d31c30e75731',
  dana: '4d0caf98-efec-467f-b4d6-d5be6cfb5e84',
  taylor: 'c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b',
  quinn: 'd4e5f6a7-1829-43a4-b5c6-d7e8f90a1b2c',
  sky: 'e5f6a7b8-2930-44b5-86d7-e8f90a1b2c3d',
} as const;

/** The sample tenant's separation-of-duties objects: groups, the SAP service principal and its app roles, access packages. */
export const SOD = {
  paymentApprovers: '1a2b3c4d-0001-4000-8000-00000000a001',
  vendorMasterEditors: '1a2b3c4d-0002-4000-8000-00000000a002',
  vendorDataStewards: '1a2b3c4d-0003-4000-8000-00000000a003',
  sapVendorTeam: '1a2b3c4d-0004-4000-8000-00000000a004',
  sap: '5a9f0000-0000-4000-8000-00000000c001',
  vendorMaintain: '5a9f0000-0000-4000-8000-00000000c101',
  paymentRelease: '5a9f0000-0000-4000-8000-00000000c102',
  paymentsApprover: '97979783-38c5-40ae-b74e-404935a04ffd',
  vendorMasterMaintain: 'b1c2d3e4-0002-4000-8000-00000000b002',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
} as const;

import type { TokenCredential } from '@azure/identity';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MICROSOFT_GRAPH_APP_ROLES, type TenantEmulator } from '../../emulator/index.js';
import { grantCli, type GrantCliOptions } from '../../scripts/provision/grant-cli.js';
import { graphError } from '../../emulator/graph/graph-errors.js';
import { VirtualClock } from '../support/fake-graph.js';
import { startTestEmulator } from '../support/emulator.js';

// azd's postprovision hook (npm run grant-permissions) against the tenant emulator, whose directory
// finds a new managed identity's service principal, and accepts a grant to it, only after a
// replication lag, as Entra does (msgraph-bicep-types#193). The lag runs on the test's virtual clock.

const FUNCTION_SP = 'aaaaaaaa-0000-4000-8000-000000000011';
const RELAY_SP = 'aaaaaaaa-0000-4000-8000-000000000012';
const API_SP = 'aaaaaaaa-0000-4000-8000-000000000013';
const CALLOUT_ROLE = 'aaaaaaaa-0000-4000-8000-000000000014';
const DEFAULT_PERMISSIONS = ['User.Read.All', 'EntitlementManagement.Read.All', 'RoleManagement.Read.Directory', 'RoleEligibilitySchedule.Read.Directory', 'Directory.Read.All'];
/** What Graph asks of whoever grants an application permission (the deployer, signed in). */
const DEPLOYER_ROLES = ['AppRoleAssignment.ReadWrite.All', 'Application.Read.All'];

let emulator: TenantEmulator;
let clock: VirtualClock;
let deployer: TokenCredential;
let graphSp: string;

/** A credential that hands out one token (the deployer's sign-in). */
function credentialOf(token: string): TokenCredential {
  return { getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

beforeEach(async () => {
  emulator = await startTestEmulator();
  clock = new VirtualClock();
  emulator.servicePrincipals.clock = () => clock.now();
  // The API's app registration, with the relay's role (deployed by infra/app/api-registration.bicep).
  emulator.servicePrincipals.add({ id: API_SP, displayName: 'entitlement-guard API', appRoles: [{ id: CALLOUT_ROLE, value: 'Callout.Invoke' }] });
  graphSp = emulator.servicePrincipals.microsoftGraph?.id ?? '';
  deployer = credentialOf(await emulator.mintGraphToken(DEPLOYER_ROLES));
});
afterEach(async () => {
  await emulator.close();
});

/** azd's outputs as the hook receives them (infra/main.bicep's names). */
function outputs(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ENTRA_OBJECTS_DEPLOYED: 'true',
    AZURE_TENANT_ID: emulator.tenantId,
    GRAPH_BASE_URL: emulator.origin,
    FUNCTION_IDENTITY_PRINCIPAL_ID: FUNCTION_SP,
    FUNCTION_GRAPH_PERMISSIONS: DEFAULT_PERMISSIONS.join(','),
    RELAY_IDENTITY_PRINCIPAL_ID: RELAY_SP,
    API_SERVICE_PRINCIPAL_ID: API_SP,
    API_APP_ROLE_ID: CALLOUT_ROLE,
    ...overrides,
  };
}

/** One run; `sleeps` are those of this run (the clock goes on across runs, as the directory's lag does). */
interface Run { code: number; out: string; err: string; sleeps: number[] }

async function run(argv: readonly string[] = [], env = outputs(), options: Partial<GrantCliOptions> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const before = clock.sleeps.length;
  const code = await grantCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, { env, clock, credential: () => deployer, ...options });
  return { code, out: out.join(''), err: err.join(''), sleeps: clock.sleeps.slice(before) };
}

const graphCalls = (filter: { method?: string; pathIncludes?: string } = {}) => emulator.calls({ service: 'graph', ...filter });
const posts = () => graphCalls({ method: 'POST' });

/** The grants the directory holds, as `principal resource role` lines. */
function held(): string[] {
  return emulator.servicePrincipals.appRoleAssignments().map((a) => `${a.principalId} ${a.resourceId} ${a.appRoleId}`).sort();
}

function expectedGrants(permissions = DEFAULT_PERMISSIONS): string[] {
  return [...permissions.map((p) => `${FUNCTION_SP} ${graphSp} ${MICROSOFT_GRAPH_APP_ROLES[p] ?? ''}`), `${RELAY_SP} ${API_SP} ${CALLOUT_ROLE}`].sort();
}

/** Both identities, found and grantable at once (a later run of the hook). */
function replicatedDeployment(): void {
  emulator.addManagedIdentity({ principalId: FUNCTION_SP, displayName: 'id-func' });
  emulator.addManagedIdentity({ principalId: RELAY_SP, displayName: 'id-relay' });
}

function freshDeployment(): void {
  // Just created: not found for a while, then grants refused for a while (the directory's replicas).
  emulator.addManagedIdentity({ principalId: FUNCTION_SP, displayName: 'id-func', visibleAfterMs: 30_000, assignableAfterMs: 60_000 });
  emulator.addManagedIdentity({ principalId: RELAY_SP, displayName: 'id-relay', visibleAfterMs: 40_000, assignableAfterMs: 70_000 });
}

const INSUFFICIENT = 'Authorization_RequestDenied: Insufficient privileges to complete the operation.';
const DEPLOYER_NEEDS = '(the deployer needs Privileged Role Administrator';

describe('npm run grant-permissions (postprovision): the first azd up', () => {
  it('waits for the new identities, then grants every role, retrying refusals the directory\'s replication causes', async () => {
    freshDeployment();
    const r = await run();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(held()).toEqual(expectedGrants());
    expect(r.out).toContain(`waiting for the function's identity (service principal ${FUNCTION_SP}) to reach the directory: 0 s of 600 s`);
    expect(r.out).toContain(`waiting for the relay's identity (service principal ${RELAY_SP}) to reach the directory`);
    expect(r.out).toMatch(/granting Microsoft Graph User\.Read\.All to the function's identity: Request_BadRequest: Not a valid reference update\.; trying again/);
    expect(r.out).toContain("granted: the API's Callout.Invoke to the relay's identity");
    expect(r.out).toContain('done: 6 granted, 0 already granted');
    // Bounded: every sleep is one poll interval, and all of them fit in the wait.
    expect(r.sleeps.every((ms) => ms === 10_000)).toBe(true);
    expect(r.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(600_000);
    // Each POST names the principal in its path and body; ids only ever come from the outputs and Graph.
    expect(posts().filter((p) => p.status === 201)).toHaveLength(6);
    for (const post of posts()) {
      const body = post.body as { principalId: string };
      expect(post.path).toBe(`/v1.0/servicePrincipals/${body.principalId}/appRoleAssignments`);
      expect(Object.keys(body).sort()).toEqual(['appRoleId', 'principalId', 'resourceId']);
    }
  });

  it('changes nothing on a second run: it lists what is held (every page) and grants only what is missing', async () => {
    freshDeployment();
    expect((await run()).code).toBe(0);
    emulator.servicePrincipals.pageSize = 2;
    emulator.clearCalls();
    const second = await run();
    expect(second.code).toBe(0);
    expect(posts()).toEqual([]);
    expect(second.out).toContain('done: 0 granted, 6 already granted');
    // Five Graph roles on pages of two: three pages read.
    expect(graphCalls({ method: 'GET', pathIncludes: `/${FUNCTION_SP}/appRoleAssignments` })).toHaveLength(3);
    expect(held()).toEqual(expectedGrants());

    // The options changed (the scan turned on): only the new roles are granted.
    const more = [...DEFAULT_PERMISSIONS, 'GroupMember.Read.All', 'Application.Read.All'];
    emulator.clearCalls();
    const third = await run([], outputs({ FUNCTION_GRAPH_PERMISSIONS: more.join(',') }));
    expect(third.out).toContain('done: 2 granted, 6 already granted');
    expect(posts().map((p) => (p.body as { appRoleId: string }).appRoleId).sort()).toEqual([MICROSOFT_GRAPH_APP_ROLES['GroupMember.Read.All'], MICROSOFT_GRAPH_APP_ROLES['Application.Read.All']].sort());
    expect(held()).toEqual(expectedGrants(more));
  });

  it('counts a grant Graph says already exists (made meanwhile by someone else) as granted', async () => {
    replicatedDeployment();
    // Granted by someone else, and not yet in what the replica the listing reads from holds.
    expect(emulator.servicePrincipals.assign(RELAY_SP, { principalId: RELAY_SP, resourceId: API_SP, appRoleId: CALLOUT_ROLE })).toHaveProperty('assignment');
    emulator.faults.add({ service: 'graph', method: 'GET', path: `/${RELAY_SP}/appRoleAssignments`, action: { status: 200, body: { value: [] } } });
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.out).toContain("already granted: the API's Callout.Invoke to the relay's identity");
    expect(posts().find((p) => p.path.includes(RELAY_SP))?.status).toBe(400);
    expect(held()).toEqual(expectedGrants());
  });

  it('waits as Graph asks when it throttles, retries a server error, and a call that got no answer', async () => {
    replicatedDeployment();
    emulator.faults.add({ service: 'graph', method: 'POST', action: { status: 429, retryAfter: 30 } });
    emulator.faults.add({ service: 'graph', method: 'GET', path: `/${FUNCTION_SP}/appRoleAssignments`, times: 2, action: { status: 503 } });
    emulator.faults.add({ service: 'graph', method: 'GET', action: { drop: 'before-handling' } });
    const r = await run();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.sleeps).toContain(30_000);
    expect(graphCalls().map((c) => c.status)).toEqual(expect.arrayContaining(['dropped', 503, 429]));
    expect(held()).toEqual(expectedGrants());
  });
});

describe('npm run grant-permissions: when it stops', () => {
  it('stops when an identity does not reach the directory within --wait, saying what to run', async () => {
    emulator.addManagedIdentity({ principalId: FUNCTION_SP, visibleAfterMs: Infinity });
    emulator.addManagedIdentity({ principalId: RELAY_SP });
    const r = await run(['--wait', '30']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`grant-permissions: the function's identity (service principal ${FUNCTION_SP}) did not reach the directory within 30 s: run azd provision again later (or npm run grant-permissions)\n`);
    expect(r.sleeps.reduce((a, b) => a + b, 0)).toBe(30_000);
    expect(posts()).toEqual([]);
  });

  it('stops when the grant is still refused at the end of the wait', async () => {
    emulator.addManagedIdentity({ principalId: FUNCTION_SP, assignableAfterMs: Infinity });
    emulator.addManagedIdentity({ principalId: RELAY_SP });
    const r = await run(['--wait', '60']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^grant-permissions: granting Microsoft Graph User\.Read\.All to the function's identity: still refused after 60 s \(Request_BadRequest: Not a valid reference update\.\)/);
  });

  it('stops at once, naming the roles the deployer needs, when Graph forbids the grant (no AppRoleAssignment.ReadWrite.All)', async () => {
    replicatedDeployment();
    deployer = credentialOf(await emulator.mintGraphToken(['Application.Read.All']));
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.err).toContain(`granting Microsoft Graph User.Read.All to the function's identity: Graph answered 403 ${INSUFFICIENT} ${DEPLOYER_NEEDS}`);
    expect(posts()).toHaveLength(1);
    expect(r.sleeps).toEqual([]);
    expect(held()).toEqual([]);
  });

  it('stops when the deployer may not read service principals (no Application.Read.All), or Graph answers what no wait mends', async () => {
    replicatedDeployment();
    deployer = credentialOf(await emulator.mintGraphToken(['AppRoleAssignment.ReadWrite.All']));
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.err).toContain(`reading Microsoft Graph's service principal: Graph answered 403 ${INSUFFICIENT} ${DEPLOYER_NEEDS}`);
    expect(r.sleeps).toEqual([]);

    deployer = credentialOf(await emulator.mintGraphToken(DEPLOYER_ROLES));
    emulator.faults.add({ service: 'graph', method: 'GET', path: `/servicePrincipals/${RELAY_SP}`, action: { status: 403, body: graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.').body } });
    const relay = await run();
    expect(relay.code).toBe(1);
    expect(relay.err).toContain(`reading the service principal of the relay's identity (${RELAY_SP}): Graph answered 403`);

    emulator.faults.add({ service: 'graph', method: 'GET', path: '/appRoleAssignments', action: { status: 400, body: graphError(400, 'BadRequest', 'Unsupported query.').body } });
    const listing = await run();
    expect(listing.code).toBe(1);
    expect(listing.err).toContain("reading the app roles of the function's identity: Graph answered 400 BadRequest: Unsupported query.");
  });

  it('stops when Graph refuses the deployer\'s token (401), naming the roles the deployer needs', async () => {
    replicatedDeployment();
    // A token for another audience: Graph does not take it.
    deployer = credentialOf(await emulator.mintCallerToken({ roles: DEPLOYER_ROLES }));
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.err).toContain("reading Microsoft Graph's service principal: Graph answered 401 InvalidAuthenticationToken");
    expect(r.err).toContain(DEPLOYER_NEEDS);
    expect(posts()).toEqual([]);
  });

  it('refuses a page whose nextLink leaves Graph (it would carry the deployer\'s token elsewhere)', async () => {
    replicatedDeployment();
    emulator.faults.add({ service: 'graph', method: 'GET', path: '/appRoleAssignments', action: { status: 200, body: { value: [], '@odata.nextLink': 'https://elsewhere.example/v1.0/servicePrincipals' } } });
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.err).toContain("reading the app roles of the function's identity: Graph's @odata.nextLink leaves");
    expect(graphCalls().every((c) => !c.path.includes('elsewhere'))).toBe(true);
    expect(posts()).toEqual([]);
  });

  it('stops without a token, saying how to sign in', async () => {
    const r = await run([], outputs(), { credential: () => ({ getToken: () => Promise.reject(Object.assign(new Error('Please run azd auth login'), { name: 'CredentialUnavailableError' })) }) });
    expect(r.code).toBe(1);
    expect(r.err).toContain('no token for Microsoft Graph: sign in with azd auth login');
    expect(graphCalls()).toEqual([]);
  });

  it('stops when Microsoft Graph lacks a permission the outputs name, or its service principal is missing', async () => {
    replicatedDeployment();
    const r = await run([], outputs({ FUNCTION_GRAPH_PERMISSIONS: 'User.Read.All,Directory.AccessAsUser.All,No.Such.Permission' }));
    expect(r.code).toBe(1);
    // A delegated scope is not an application permission.
    expect(r.err).toBe('grant-permissions: Microsoft Graph has no application permission Directory.AccessAsUser.All, No.Such.Permission in this tenant\n');
    expect(posts()).toEqual([]);

    // A new tenant may not have Microsoft Graph's service principal yet.
    emulator.servicePrincipals.remove(graphSp);
    const none = await run();
    expect(none.code).toBe(1);
    expect(none.err).toBe("grant-permissions: Microsoft Graph's service principal was not found in the tenant\n");
  });
});

describe('npm run grant-permissions: its line and the deployment\'s outputs', () => {
  it.each([
    [['--wait', '0'], '--wait must be a whole number from 1 to 3600, not "0"'],
    [['--wait', '3601'], '--wait must be a whole number from 1 to 3600, not "3601"'],
    [['--wait', 'ten'], '--wait must be a whole number from 1 to 3600, not "ten"'],
    [['--wait', ' '], '--wait needs a number of seconds'],
    [['--force'], "Unknown option '--force'"],
  ])('refuses %j (exit 2, before any call)', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toContain(`grant-permissions: ${message}`);
    expect(graphCalls()).toEqual([]);
  });

  it('prints its usage with --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: npm run grant-permissions/);
  });

  it.each([
    ['ENTRA_OBJECTS_DEPLOYED', undefined, 'ENTRA_OBJECTS_DEPLOYED is not set: run the hook through azd (azd provision), which passes the deployment\'s outputs'],
    ['ENTRA_OBJECTS_DEPLOYED', 'yes', 'ENTRA_OBJECTS_DEPLOYED must be true or false, not "yes"'],
    ['AZURE_TENANT_ID', 'contoso.onmicrosoft.com', 'AZURE_TENANT_ID must be a GUID, not "contoso.onmicrosoft.com"'],
    ['FUNCTION_IDENTITY_PRINCIPAL_ID', '../users', 'FUNCTION_IDENTITY_PRINCIPAL_ID must be a GUID, not "../users"'],
    ['RELAY_IDENTITY_PRINCIPAL_ID', '', 'RELAY_IDENTITY_PRINCIPAL_ID is not set'],
    ['API_SERVICE_PRINCIPAL_ID', `${API_SP}/appRoleAssignedTo`, `API_SERVICE_PRINCIPAL_ID must be a GUID, not "${API_SP}/appRoleAssignedTo"`],
    ['API_APP_ROLE_ID', 'Callout.Invoke', 'API_APP_ROLE_ID must be a GUID, not "Callout.Invoke"'],
    ['FUNCTION_GRAPH_PERMISSIONS', 'User.Read.All,../$batch', 'FUNCTION_GRAPH_PERMISSIONS names "../$batch", which is not a Graph permission\'s name'],
    ['FUNCTION_GRAPH_PERMISSIONS', ' , ', 'FUNCTION_GRAPH_PERMISSIONS names no permission'],
    ['GRAPH_BASE_URL', 'http://graph.microsoft.com', 'GRAPH_BASE_URL must be an https origin such as https://graph.microsoft.com (no path), not "http://graph.microsoft.com"'],
    ['GRAPH_BASE_URL', 'https://graph.microsoft.com/v1.0', 'GRAPH_BASE_URL must be an https origin'],
  ])('refuses %s = %j (exit 2, before any call)', async (name, value, message) => {
    const r = await run([], outputs({ [name]: value }));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`grant-permissions: ${message}`);
    expect(graphCalls()).toEqual([]);
  });

  it('grants nothing when the deployment made no Entra objects, and says what to grant to whom', async () => {
    const r = await run([], outputs({ ENTRA_OBJECTS_DEPLOYED: 'false', API_SERVICE_PRINCIPAL_ID: '', API_APP_ROLE_ID: '', GRAPH_BASE_URL: '' }));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Microsoft Graph application permissions to the function's identity (service principal ${FUNCTION_SP}): ${DEFAULT_PERMISSIONS.join(', ')}`);
    expect(r.out).toContain(`the API's Callout.Invoke app role to the relay's identity (service principal ${RELAY_SP})`);
    expect(graphCalls()).toEqual([]);
  });
});

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FileRefused, readBoundedFile } from '../../src/read-bounded-file.js';
import { CATALOG_SECTIONS, parseCatalogSections, type TenantCatalogs } from '../governance/catalog-file.js';
import { GOVERNANCE_SECTIONS, parseGovernance } from '../governance/governance-file.js';
import { GROUP_ELIGIBILITY_SECTION, parseGroupEligibilities, type TenantGroupEligibility } from '../pim/group-eligibilities.js';
import { requestProblem } from '../governance/governance-references.js';
import type { TenantGovernance } from '../governance/governance-values.js';
import { parseRequest } from '../governance/tenant-requests.js';
import { Fields, parseUser, referenceProblem, TenantFileError, type TenantRequest, type TenantUser } from './tenant-values.js';

export { TenantFileError, type TenantRequest, type TenantRisk, type TenantSchedule, type TenantUser } from './tenant-values.js';

/**
 * The tenant the emulator plays: its users (with manager, sponsors and Identity Protection risk),
 * the assignment requests Entra knows about, and (all optional) its groups, applications' service
 * principals, access packages, who holds which package, directory role and app role, catalogs
 * and assignment policies (for registering extensions, emulator/governance/catalog-file.ts), and PIM for
 * Groups eligibilities (emulator/pim/group-eligibilities.ts). Written by
 * people as JSON (see emulator/tenants/contoso.json); `description` fields are for them and are
 * ignored, except on groups and access packages, where Graph answers them as the description.
 */
export interface TenantFile extends TenantGovernance, TenantCatalogs {
  readonly users: readonly TenantUser[];
  readonly requests: readonly TenantRequest[];
  /** PIM for Groups: who may activate a group's member or owner role (optional section). */
  readonly groupEligibilities: readonly TenantGroupEligibility[];
}

/** emulator/tenants/contoso.json, from the sources or from the build (dist/emulator/directory → emulator). */
function samplePath(): string {
  const beside = fileURLToPath(new URL('../tenants/contoso.json', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../../emulator/tenants/contoso.json', import.meta.url));
}

/** The sample tenant, used when none is given. */
export const SAMPLE_TENANT_FILE = samplePath();

function label(user: TenantUser): string {
  return `${user.id} (${user.displayName})`;
}

/** A request's assignment policy must be one of the file's. */
function policyProblem(request: TenantRequest, catalogs: TenantCatalogs): string | undefined {
  const policy = request.assignmentPolicy;
  if (policy === null || catalogs.assignmentPolicies.some((p) => p.id === policy)) return undefined;
  return `assignmentPolicy "${policy}" is not the id of an assignment policy in the tenant`;
}

/** Validates a parsed tenant file; `source` names it in errors (e.g. the file's path). Linear in its size. */
export function parseTenant(value: unknown, source = 'tenant'): TenantFile {
  const f = Fields.of(source, 'the tenant', value, ['$schema', 'description', 'users', 'requests', ...GOVERNANCE_SECTIONS, ...CATALOG_SECTIONS, GROUP_ELIGIBILITY_SECTION]);
  const users: TenantUser[] = [];
  const byId = new Map<string, number>();
  const byUpn = new Map<string, number>();
  for (const [i, raw] of f.list('users').entries()) {
    const user = parseUser(source, `users[${i}]`, raw);
    const sameId = byId.get(user.id);
    if (sameId !== undefined) throw new TenantFileError(`${source}: users[${i}].id "${user.id}" is already the id of users[${sameId}] (${users[sameId]?.displayName ?? ''})`);
    const upn = user.userPrincipalName.toLowerCase();
    const sameUpn = byUpn.get(upn);
    if (sameUpn !== undefined) throw new TenantFileError(`${source}: users[${i}].userPrincipalName "${user.userPrincipalName}" is already that of users[${sameUpn}]`);
    byId.set(user.id, i);
    byUpn.set(upn, i);
    users.push(user);
  }
  for (const [i, user] of users.entries()) {
    const problem = referenceProblem(user, (id) => byId.has(id));
    if (problem !== undefined) throw new TenantFileError(`${source}: users[${i}] ${label(user)}: ${problem}`);
  }
  const { governance, refs } = parseGovernance(f, byId);
  const catalogs = parseCatalogSections(f, governance.accessPackages);
  const groupEligibilities = parseGroupEligibilities(f, (id) => byId.has(id), (id) => refs.isGroup(id));
  const requests: TenantRequest[] = [];
  const requestIds = new Map<string, number>();
  for (const [i, raw] of f.list('requests').entries()) {
    const request = parseRequest(source, `requests[${i}]`, raw);
    const same = requestIds.get(request.id);
    if (same !== undefined) throw new TenantFileError(`${source}: requests[${i}].id "${request.id}" is already the id of requests[${same}]`);
    const problem = requestProblem(request, refs) ?? policyProblem(request, catalogs);
    if (problem !== undefined) throw new TenantFileError(`${source}: requests[${i}] ${request.id}: ${problem}`);
    requestIds.set(request.id, i);
    requests.push(request);
  }
  return { users, requests, ...governance, ...catalogs, groupEligibilities };
}

/** Largest tenant file read: about five times the 50,000-user tenant of `npm run bench` (23 MB). */
export const MAX_TENANT_FILE_BYTES = 128 * 1024 * 1024;

/** Reads and validates a tenant file. Every error is a TenantFileError naming the file and the place. */
export function readTenantFile(path: string): TenantFile {
  let text: string;
  try {
    text = readBoundedFile(path, MAX_TENANT_FILE_BYTES).toString('utf8');
  } catch (error) {
    if (!(error instanceof FileRefused)) throw error;
    const cause: unknown = error.cause;
    throw new TenantFileError(`tenant file ${path} ${error.reason === 'unreadable' && cause instanceof Error ? `cannot be read: ${cause.message}` : error.problem}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    throw new TenantFileError(`tenant file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseTenant(json, `tenant file ${path}`);
}

/** A tenant file path, an already-parsed tenant (validated here), or the sample tenant. */
export function loadTenant(tenant?: string | object): TenantFile {
  if (tenant === undefined) return readTenantFile(SAMPLE_TENANT_FILE);
  return typeof tenant === 'string' ? readTenantFile(tenant) : parseTenant(tenant, 'tenant object');
}

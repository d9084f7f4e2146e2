import { parseGuid, type Guid } from '../guid.js';
import { GraphTransportError, graphErrorCode, graphErrorMessage, type GraphAnswer, type GraphCall, type GraphHttp } from '../graph/graph-http.js';
import { graphPath } from '../graph/graph-path.js';
import { InvalidPage, isGraphPage, walkPages } from '../graph/paging.js';
import type { Clock } from '../ports.js';
import { GrantError, type GrantSettings } from './grant-settings.js';

/**
 * The app roles of the deployment's two managed identities, granted once the directory knows
 * them. Azure creates a managed identity's service principal at once, but Microsoft Graph refuses
 * an app role grant to it ("Not a valid reference update", or 404) until the directory has
 * replicated it, for seconds to minutes (microsoftgraph/msgraph-bicep-types#193): this waits for
 * each service principal, then grants what is missing, retrying a refusal of that kind, all within
 * one bounded wait, with a line of progress at every look. What is already granted is left alone,
 * so a second run changes nothing.
 */

/** Microsoft Graph's own application (its service principal holds the app roles we grant). */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export interface GrantDeps {
  readonly graph: GraphHttp;
  /** Graph's origin: nextLinks must stay on it. */
  readonly graphOrigin: string;
  readonly clock: Clock;
  /** The whole wait for the directory, in ms (waiting for service principals and retrying grants). */
  readonly waitMs: number;
  /** Between two looks at the directory, in ms. */
  readonly pollMs: number;
  /** Time one Graph call may take, in ms. */
  readonly timeoutMs: number;
  /** One line of progress, as it happens. */
  readonly progress: (line: string) => void;
}

/** One app role assignment to hold: who, on which resource's service principal, which role. */
export interface WantedGrant {
  readonly principalId: Guid;
  readonly principal: string;
  readonly resourceId: Guid;
  readonly appRoleId: Guid;
  /** "Microsoft Graph User.Read.All", "entitlement-guard API Callout.Invoke". */
  readonly role: string;
}

export interface GrantOutcome {
  readonly grant: WantedGrant;
  readonly result: 'granted' | 'already granted';
}

const FUNCTION_IDENTITY = "the function's identity";
const RELAY_IDENTITY = "the relay's identity";

/** What the deployer needs to grant (Microsoft Graph's app roles, and our API's role). */
const DEPLOYER_ROLES = 'the deployer needs Privileged Role Administrator (or Global Administrator) to grant Microsoft Graph application permissions, and to own the API app registration or be Cloud Application Administrator for its Callout.Invoke role';

/** Graph's error code and message of an answer, for one line. */
function graphMessage(answer: GraphAnswer): string {
  const code = graphErrorCode(answer);
  return [code === 'unknown' ? '' : code, graphErrorMessage(answer)].filter((s) => s !== '').join(': ') || `HTTP ${String(answer.status)}`;
}

/** A refusal that replication ends: the principal (or its reference) is not yet in the directory. */
function notReplicated(answer: GraphAnswer): boolean {
  if (answer.status === 404) return true;
  return answer.status === 400 && /not a valid reference|does not exist|not present|Request_ResourceNotFound/i.test(graphMessage(answer));
}

function alreadyExists(answer: GraphAnswer): boolean {
  return answer.status === 409 || (answer.status === 400 && /already exists/i.test(graphMessage(answer)));
}

function transient(answer: GraphAnswer): boolean {
  return answer.status === 408 || answer.status === 429 || answer.status >= 500;
}

/** The bounded wait of one run: how long is left, and a sleep that never passes its end. */
class Wait {
  private readonly end: number;
  constructor(private readonly deps: GrantDeps) {
    this.end = deps.clock.now() + deps.waitMs;
  }

  elapsedSeconds(): number {
    return Math.round((this.deps.clock.now() - (this.end - this.deps.waitMs)) / 1000);
  }

  /** Sleeps before the next look (Retry-After when Graph gave one); false once the wait is over. */
  async next(retryAfterSeconds?: number): Promise<boolean> {
    const left = this.end - this.deps.clock.now();
    if (left <= 0) return false;
    await this.deps.clock.sleep(Math.min(left, Math.max(this.deps.pollMs, (retryAfterSeconds ?? 0) * 1000)));
    return true;
  }

  get totalSeconds(): number {
    return Math.round(this.deps.waitMs / 1000);
  }
}

type Sent = GraphAnswer | GraphTransportError;

async function send(deps: GrantDeps, call: GraphCall): Promise<Sent> {
  try {
    return await deps.graph.send(call, deps.timeoutMs);
  } catch (error) {
    if (error instanceof GraphTransportError) return error;
    throw error;
  }
}

/** A failure no wait mends: no token, or a refusal the deployer must fix. */
function stop(sent: Sent, what: string): GrantError {
  if (sent instanceof GraphTransportError) {
    return new GrantError(1, `${what}: ${sent.kind === 'identity' ? 'no token for Microsoft Graph: sign in with azd auth login (or az login) as a person who may grant app roles' : sent.message}`, { cause: sent });
  }
  const forbidden = sent.status === 401 || sent.status === 403 ? ` (${DEPLOYER_ROLES})` : '';
  return new GrantError(1, `${what}: Graph answered ${String(sent.status)} ${graphMessage(sent)}${forbidden}`);
}

/** Whether a look is worth repeating: no answer, throttling or a server error, or (when `missing` says so) not yet replicated. */
function worthRetrying(sent: Sent, missing: (answer: GraphAnswer) => boolean): boolean {
  if (sent instanceof GraphTransportError) return sent.kind !== 'identity';
  return transient(sent) || missing(sent);
}

/** Microsoft Graph's service principal in this tenant, and its application permissions by name. */
async function microsoftGraph(deps: GrantDeps, wait: Wait): Promise<{ id: Guid; roles: ReadonlyMap<string, Guid> }> {
  const call: GraphCall = {
    method: 'GET',
    version: 'v1.0',
    path: graphPath(['servicePrincipals'], { $filter: `appId eq '${MICROSOFT_GRAPH_APP_ID}'`, $select: 'id,appId,appRoles' }),
  };
  for (;;) {
    const sent = await send(deps, call);
    if (!(sent instanceof GraphTransportError) && sent.status === 200 && isGraphPage(sent.json)) {
      const sp = sent.json.value[0] as { id?: unknown; appRoles?: unknown } | undefined;
      const id = parseGuid(sp?.id);
      if (sent.json.value.length !== 1 || id === undefined || !Array.isArray(sp?.appRoles)) throw new GrantError(1, "Microsoft Graph's service principal was not found in the tenant");
      const roles = new Map<string, Guid>();
      for (const role of sp.appRoles as { id?: unknown; value?: unknown; allowedMemberTypes?: unknown; isEnabled?: unknown }[]) {
        const roleId = parseGuid(role.id);
        const forApps = Array.isArray(role.allowedMemberTypes) && role.allowedMemberTypes.includes('Application');
        if (roleId !== undefined && typeof role.value === 'string' && forApps && role.isEnabled !== false) roles.set(role.value, roleId);
      }
      return { id, roles };
    }
    if (!worthRetrying(sent, () => false)) throw stop(sent, "reading Microsoft Graph's service principal");
    if (!(await wait.next(sent instanceof GraphTransportError ? undefined : sent.retryAfterSeconds))) throw new GrantError(1, `Microsoft Graph did not answer within ${String(wait.totalSeconds)} s`);
  }
}

/** Waits until the directory finds the service principal `id` (a managed identity's, just created). */
async function awaitServicePrincipal(deps: GrantDeps, wait: Wait, id: Guid, label: string): Promise<void> {
  const call: GraphCall = { method: 'GET', version: 'v1.0', path: graphPath(['servicePrincipals', id], { $select: 'id' }) };
  for (;;) {
    const sent = await send(deps, call);
    if (!(sent instanceof GraphTransportError) && sent.status === 200) return;
    if (!worthRetrying(sent, (a) => a.status === 404)) throw stop(sent, `reading the service principal of ${label} (${id})`);
    deps.progress(`waiting for ${label} (service principal ${id}) to reach the directory: ${String(wait.elapsedSeconds())} s of ${String(wait.totalSeconds)} s`);
    if (!(await wait.next(sent instanceof GraphTransportError ? undefined : sent.retryAfterSeconds))) {
      throw new GrantError(1, `${label} (service principal ${id}) did not reach the directory within ${String(wait.totalSeconds)} s: run azd provision again later (or npm run grant-permissions)`);
    }
  }
}

/** `resourceId|appRoleId` of every app role the principal holds. */
async function heldRoles(deps: GrantDeps, wait: Wait, id: Guid, label: string): Promise<Set<string>> {
  const first: GraphCall = { method: 'GET', version: 'v1.0', path: graphPath(['servicePrincipals', id, 'appRoleAssignments'], { $select: 'id,appRoleId,resourceId' }) };
  for (;;) {
    const held = new Set<string>();
    let walk;
    try {
      walk = await walkPages(async (call) => {
        const sent = await send(deps, call);
        if (sent instanceof GraphTransportError) throw sent;
        return sent;
      }, first, { graphOrigin: deps.graphOrigin, isPage: isGraphPage }, (items) => {
        for (const item of items as { appRoleId?: unknown; resourceId?: unknown }[]) {
          const role = parseGuid(item.appRoleId);
          const resource = parseGuid(item.resourceId);
          if (role !== undefined && resource !== undefined) held.add(`${resource}|${role}`);
        }
      });
    } catch (error) {
      if (error instanceof InvalidPage) throw new GrantError(1, `reading the app roles of ${label}: ${error.message}`);
      if (!(error instanceof GraphTransportError)) throw error;
      if (!worthRetrying(error, () => false)) throw stop(error, `reading the app roles of ${label}`);
      if (!(await wait.next())) throw stop(error, `reading the app roles of ${label}`);
      continue;
    }
    if (walk.complete) return held;
    if (!worthRetrying(walk.answer, notReplicated)) throw stop(walk.answer, `reading the app roles of ${label}`);
    if (!(await wait.next(walk.answer.retryAfterSeconds))) throw stop(walk.answer, `reading the app roles of ${label}`);
  }
}

/** Grants one app role, retrying while the directory has not replicated the principal. */
async function grant(deps: GrantDeps, wait: Wait, wanted: WantedGrant): Promise<GrantOutcome['result']> {
  const call: GraphCall = {
    method: 'POST',
    version: 'v1.0',
    path: graphPath(['servicePrincipals', wanted.principalId, 'appRoleAssignments']),
    body: { principalId: wanted.principalId, resourceId: wanted.resourceId, appRoleId: wanted.appRoleId },
  };
  const what = `granting ${wanted.role} to ${wanted.principal}`;
  for (;;) {
    const sent = await send(deps, call);
    if (!(sent instanceof GraphTransportError)) {
      if (sent.status === 200 || sent.status === 201) return 'granted';
      if (alreadyExists(sent)) return 'already granted';
    }
    if (!worthRetrying(sent, notReplicated)) throw stop(sent, what);
    deps.progress(`${what}: ${sent instanceof GraphTransportError ? sent.message : graphMessage(sent)}; trying again (${String(wait.elapsedSeconds())} s of ${String(wait.totalSeconds)} s)`);
    if (!(await wait.next(sent instanceof GraphTransportError ? undefined : sent.retryAfterSeconds))) throw new GrantError(1, `${what}: still refused after ${String(wait.totalSeconds)} s (${sent instanceof GraphTransportError ? sent.message : graphMessage(sent)}): run azd provision again later (or npm run grant-permissions)`);
  }
}

/** What the settings ask, with Microsoft Graph's role ids resolved from its service principal. */
function wantedGrants(settings: Extract<GrantSettings, { kind: 'grant' }>, graph: { id: Guid; roles: ReadonlyMap<string, Guid> }): WantedGrant[] {
  const resolved = settings.permissions.map((p) => ({ permission: p, id: graph.roles.get(p) }));
  const unknown = resolved.filter((r) => r.id === undefined).map((r) => r.permission);
  if (unknown.length > 0) throw new GrantError(1, `Microsoft Graph has no application permission ${unknown.join(', ')} in this tenant`);
  return [
    ...resolved.flatMap(({ permission, id }) => (id === undefined ? [] : [{ principalId: settings.functionPrincipalId, principal: FUNCTION_IDENTITY, resourceId: graph.id, appRoleId: id, role: `Microsoft Graph ${permission}` }])),
    { principalId: settings.relay.principalId, principal: RELAY_IDENTITY, resourceId: settings.relay.apiServicePrincipalId, appRoleId: settings.relay.appRoleId, role: 'the API\'s Callout.Invoke' },
  ];
}

/**
 * Grants the function's identity its Microsoft Graph permissions and the relay's identity the
 * API's Callout.Invoke, waiting (bounded by deps.waitMs) for the directory to know both.
 */
export async function grantAppRoles(settings: Extract<GrantSettings, { kind: 'grant' }>, deps: GrantDeps): Promise<GrantOutcome[]> {
  const wait = new Wait(deps);
  const graph = await microsoftGraph(deps, wait);
  const wanted = wantedGrants(settings, graph);
  const principals = new Map<Guid, string>(wanted.map((w) => [w.principalId, w.principal]));
  for (const [id, label] of principals) await awaitServicePrincipal(deps, wait, id, label);
  const outcomes: GrantOutcome[] = [];
  for (const [id, label] of principals) {
    const held = await heldRoles(deps, wait, id, label);
    for (const w of wanted.filter((x) => x.principalId === id)) {
      const result = held.has(`${w.resourceId}|${w.appRoleId}`) ? 'already granted' : await grant(deps, wait, w);
      deps.progress(`${result}: ${w.role} to ${w.principal}`);
      outcomes.push({ grant: w, result });
    }
  }
  return outcomes;
}

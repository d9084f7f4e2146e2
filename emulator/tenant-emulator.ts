import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AssignmentRequests } from './governance/assignment-requests.js';
import { awaitCallout } from './governance/await-callout.js';
import { Directory } from './directory/directory.js';
import { ExtensionRegistry } from './governance/extension-registry.js';
import { faultReply, readRequestBody, send, serviceOf } from './graph/emulator-http.js';
import { Faults, type BadToken, type Service } from './graph/faults.js';
import { Governance } from './governance/governance.js';
import type { TenantGroupEligibility } from './pim/group-eligibilities.js';
import { graphError, type GraphReply } from './graph/graph-errors.js';
import { mintCallerToken, type CallerTokenOptions } from './identity/caller-tokens.js';
import { activate, type PimActivateOptions, type PimActivationRecord, type PimActivationResult } from './pim/pim-activation.js';
import { PimExtensions } from './pim/pim-extensions.js';
import { PimPolicies } from './pim/pim-policies.js';
import type { PimActivationRequest } from './pim/pim-request-models.js';
import { graph, managedIdentityToken, openIdMetadata, type TenantFacts } from './routes.js';
import type { ScaleTenant } from './directory/scale-tenant.js';
import { ServicePrincipals, type EmulatedServicePrincipal, type ManagedIdentityChange } from './directory/service-principals.js';
import { loadTenant, type TenantFile } from './directory/tenant-file.js';
import { TaskProcessingResults } from './governance/task-processing-results.js';
import { createCertificateAuthority, issueServerCertificate, type PemPair } from './identity/tls.js';
import { TokenIssuer, type KeyPairSource } from './identity/token-issuer.js';

export interface TenantEmulatorOptions {
  /** Port on 127.0.0.1 (default: any free port). */
  readonly port?: number;
  /** CA to issue the server certificate from (default: a new one). Processes that call the
   *  emulator must trust its certificate through NODE_EXTRA_CA_CERTS. */
  readonly ca?: PemPair;
  readonly tenantId?: string;
  /** Client id of the relay's managed identity: the caller of /api/callout. */
  readonly callerAppId?: string;
  /** App ID URI of the function's API: the audience of the relay's tokens. */
  readonly apiAudience?: string;
  /** Client id of the function's user-assigned managed identity: the caller of Graph. */
  readonly managedIdentityClientId?: string;
  /** PIM's app id: the `appid`/`azp` of the tokens PIM presents to a custom extension (the caller of /api/pim). */
  readonly pimAppId?: string;
  /**
   * The tenant: a tenant file's path, a parsed tenant, a generated one (generateScaleTenant), or
   * any object of the tenant file's format; validated either way (default: emulator/tenants/contoso.json).
   */
  readonly tenant?: string | TenantFile | ScaleTenant | object;
  /** Where its RS256 signing keys come from (default: generated; tests hand out keys made once per run). */
  readonly signingKeys?: KeyPairSource;
}

/** One call the emulator received. Tokens are never recorded. */
export interface RecordedCall {
  readonly seq: number;
  /** When the answer was sent (or the connection dropped), epoch ms. */
  readonly at: number;
  /** When the request arrived, epoch ms (same clock as `at`). */
  readonly startedAt: number;
  readonly service: Service;
  readonly method: string;
  readonly path: string;
  /** The request-target exactly as it arrived (before URL normalization folds `..` segments). */
  readonly target: string;
  /** The query string of a Graph call as it arrived (still percent-encoded), when it had one. */
  readonly query?: string;
  readonly status: number | 'dropped';
  /** The JSON body of a Graph write (POST, PUT, PATCH). */
  readonly body?: unknown;
  readonly fault?: string;
}

export const DEFAULT_TENANT = {
  tenantId: '0c6f5d3e-8a57-4f4e-9b1a-2d7c1a3e5f00',
  callerAppId: '5e1a7c2b-3d4f-4a6b-8c9d-0e1f2a3b4c5d',
  apiAudience: 'api://entitlement-guard',
  managedIdentityClientId: 'a3f2c1d0-9b8e-4d7c-a6b5-c4d3e2f1a0b9',
  /**
   * The emulator's own stand-in for PIM's app id, not Microsoft's: the how-to's versions disagree
   * (one shows 00001111-aaaa-2222-bbbb-3333cccc4444, a placeholder; another 1c67c054-65c8-4f7f-92a1-eb7ba6e48627).
   */
  pimAppId: 'c0ffee00-5a1e-4d1a-9b2c-7e3f4a5b6c7d',
} as const;

/**
 * Plays the parts of Azure that entitlement-guard talks to, over HTTPS on loopback: the tenant's
 * OpenID metadata and rotating signing keys, the App Service managed identity endpoint, the
 * Graph endpoints for assignment requests and LCW task results with their real state machines,
 * Graph's directory reads (users, managers, sponsors, risky users) and governance reads (groups,
 * access packages and assignments, directory roles, app roles) over a tenant file, and what
 * registering an extension reads and writes (catalogs, custom extensions, assignment policies,
 * catalog role assignments, custom task extensions), PIM's custom extensions, role management
 * policies and PIM for Groups eligibilities; and PIM itself calling a custom extension on a role
 * activation (`activate`). Faults are injectable and every call is recorded for assertions.
 */
export class TenantEmulator implements TenantFacts {
  readonly requests = new AssignmentRequests();
  /** The tenant's users, managers, sponsors and risk, seeded from the tenant file; tests may change it. */
  readonly directory: Directory;
  /** The tenant's groups, access packages and who holds what (packages, roles, app roles), seeded from the tenant file; tests may change it. */
  readonly governance: Governance;
  /**
   * Service principals as /servicePrincipals serves them: Microsoft Graph's (its application
   * permissions as app roles), the tenant file's, and those tests add (addManagedIdentity), each
   * found once its replication lag has passed; and the app roles granted to them.
   */
  readonly servicePrincipals: ServicePrincipals;
  /** Catalogs, their custom extensions and assignment policies, catalog role assignments and LCW custom task extensions, seeded from the tenant file; what `npm run register` reads and writes. */
  readonly registry: ExtensionRegistry;
  readonly tasks = new TaskProcessingResults();
  readonly faults = new Faults();
  readonly managedIdentityObjectId = randomUUID();
  readonly identityHeader = randomBytes(24).toString('base64url');
  /** The Graph application roles in the managed identity's tokens (remove one to provoke a 403). */
  managedIdentityRoles: string[] = [
    'EntitlementManagement.ReadWrite.All', 'LifecycleWorkflows.ReadWrite.All', 'User.Read.All', 'User-LifeCycleInfo.Read.All', 'IdentityRiskyUser.Read.All',
    'GroupMember.Read.All', 'RoleManagement.Read.Directory', 'RoleEligibilitySchedule.Read.Directory', 'Directory.Read.All', 'Application.Read.All',
    // What `npm run register -- --pim` writes, the identity standing in for the operator: PIM custom extensions and the role policies that link them.
    'PrivilegedAccess-CustomExt.ReadWrite.All', 'RoleManagementPolicy.ReadWrite.Directory', 'RoleManagementPolicy.ReadWrite.AzureADGroup',
    // PIM for Groups eligibilities (a PIM activation's facts).
    'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  ];
  /** PIM custom extensions written through Graph (`npm run register -- --pim`, tests). */
  readonly pimExtensions = new PimExtensions();
  /** Role management policies of directory roles and of the tenant's groups, with the rule that links a PIM custom extension. */
  readonly pimPolicies: PimPolicies;
  /** PIM for Groups eligibilities, seeded from the tenant file's groupEligibilities; tests may change them. */
  readonly groupEligibilities: TenantGroupEligibility[];
  /** Every activation `activate` made, in order. */
  readonly pimActivations: PimActivationRecord[] = [];
  /** Object id of PIM's service principal in the tenant (the `oid` of its tokens). */
  readonly pimObjectId = randomUUID();
  private readonly log: RecordedCall[] = [];
  private seq = 0;
  readonly callerObjectId = randomUUID();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly caCertPem: string,
    readonly issuer: TokenIssuer,
    readonly tenantId: string,
    readonly callerAppId: string,
    readonly apiAudience: string,
    readonly managedIdentityClientId: string,
    readonly pimAppId: string,
    tenant: TenantFile,
  ) {
    this.directory = new Directory(tenant.users);
    this.governance = new Governance(tenant, this.directory);
    this.servicePrincipals = new ServicePrincipals(this.governance, this.tenantId);
    this.registry = new ExtensionRegistry(tenant);
    this.requests.seed(tenant.requests);
    this.groupEligibilities = [...tenant.groupEligibilities];
    this.pimPolicies = new PimPolicies(this.tenantId, (id) => this.governance.isGroup(id));
    this.pimExtensions.inUse = (id) => this.pimPolicies.usedBy(id);
  }

  static async start(options: TenantEmulatorOptions = {}): Promise<TenantEmulator> {
    const tenant = loadTenant(options.tenant);
    const ca = options.ca ?? (await createCertificateAuthority());
    const [cert, issuer] = await Promise.all([issueServerCertificate(ca), TokenIssuer.create(options.signingKeys)]);
    const server = createServer({ key: cert.keyPem, cert: cert.certPem, keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const emulator = new TenantEmulator(
      server,
      `https://127.0.0.1:${port}`,
      ca.certPem,
      issuer,
      (options.tenantId ?? DEFAULT_TENANT.tenantId).toLowerCase(),
      (options.callerAppId ?? DEFAULT_TENANT.callerAppId).toLowerCase(),
      options.apiAudience ?? DEFAULT_TENANT.apiAudience,
      (options.managedIdentityClientId ?? DEFAULT_TENANT.managedIdentityClientId).toLowerCase(),
      (options.pimAppId ?? DEFAULT_TENANT.pimAppId).toLowerCase(),
      tenant,
    );
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      emulator.handle(req, res).catch(() => res.destroy());
    });
    return emulator;
  }

  /** The environment that points entitlement-guard at this tenant (NODE_EXTRA_CA_CERTS is the caller's). */
  appEnv(): Record<string, string> {
    return {
      AZURE_TENANT_ID: this.tenantId,
      AZURE_AUTHORITY_HOST: this.origin,
      CALLOUT_AUDIENCE: this.apiAudience,
      ALLOWED_CALLER_APP_IDS: this.callerAppId,
      GRAPH_BASE_URL: this.origin,
      AZURE_CLIENT_ID: this.managedIdentityClientId,
      IDENTITY_ENDPOINT: `${this.origin}/msi/token`,
      IDENTITY_HEADER: this.identityHeader,
      PIM_CALLER_APP_IDS: this.pimAppId,
    };
  }

  /** A token as the relay's managed identity would present it (v1 by default, like Entra). */
  mintCallerToken(options: CallerTokenOptions = {}): Promise<string> {
    return mintCallerToken(this.issuer, this, options);
  }

  /**
   * A token as Entra issues it to PIM for the API: `appid` (v1, the default) or `azp` (v2) is PIM's
   * app id, `aud` the API's audience unless `options.audience` says otherwise, the tenant's v1 or v2 issuer.
   */
  mintPimToken(options: CallerTokenOptions = {}): Promise<string> {
    const pim = { origin: this.origin, tenantId: this.tenantId, apiAudience: this.apiAudience, callerAppId: this.pimAppId, callerObjectId: this.pimObjectId };
    return mintCallerToken(this.issuer, pim, options);
  }

  /**
   * Plays PIM activating a role (emulator/pim/pim-activation.ts): builds the request model of the
   * resource type, POSTs it with PIM's token to the extension (given, or linked to the role's
   * policy) or to `options.targetUrl`, retries a 5xx, a timeout or a failed connection as its
   * clientConfiguration allows, reads the evaluation, and records the activation in `pimActivations`.
   */
  async activate(request: PimActivationRequest, options: PimActivateOptions = {}): Promise<PimActivationResult> {
    const result = await activate({ pimExtensions: this.pimExtensions, pimPolicies: this.pimPolicies, caCertPem: this.caCertPem, mintPimToken: (o) => this.mintPimToken(o) }, request, options);
    this.pimActivations.push({ at: Date.now(), request, result });
    return result;
  }

  /**
   * A Graph token for the emulator's Graph with these application permissions (`roles`), as a
   * deployer's or an app's token would carry them: what Graph's permission checks read.
   */
  mintGraphToken(roles: readonly string[], options: Omit<CallerTokenOptions, 'roles' | 'audience'> = {}): Promise<string> {
    return this.mintCallerToken({ ...options, audience: this.origin, roles });
  }

  /**
   * A managed identity Azure has just created: its service principal (`principalId`) is found by
   * Graph only after `visibleAfterMs`, and a grant to it is accepted only after `assignableAfterMs`
   * (default: once found), on `servicePrincipals.clock` (msgraph-bicep-types#193).
   */
  addManagedIdentity(change: ManagedIdentityChange): EmulatedServicePrincipal {
    return this.servicePrincipals.addManagedIdentity(change);
  }

  /** Makes the tenant wait for this callout body, as Entra does when it sends it. */
  awaitCallout(body: unknown): 'request' | 'task' | 'none' {
    return awaitCallout(this.requests, this.tasks, body);
  }

  /** Rotates the signing key: new tokens carry a kid the verifier has not seen. */
  rotateSigningKey(options: { retirePrevious?: boolean } = {}): Promise<string> {
    return this.issuer.rotate(options);
  }

  calls(filter: { service?: Service; method?: string; pathIncludes?: string } = {}): RecordedCall[] {
    return this.log.filter(
      (c) =>
        (filter.service === undefined || c.service === filter.service) &&
        (filter.method === undefined || c.method === filter.method) &&
        (filter.pathIncludes === undefined || c.path.includes(filter.pathIncludes)),
    );
  }

  /** Resumes Graph accepted (204). */
  acceptedResumes(): RecordedCall[] {
    return this.log.filter((c) => c.service === 'graph' && c.method === 'POST' && c.status === 204);
  }

  clearCalls(): void {
    this.log.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => { resolve(); }));
  }

  private record(call: Omit<RecordedCall, 'seq' | 'at'>): void {
    this.log.push({ seq: ++this.seq, at: Date.now(), ...call });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(req.url ?? '/', this.origin);
    const method = req.method ?? 'GET';
    const segments = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
    const service = serviceOf(segments);
    let body: unknown;
    try {
      body = await readRequestBody(req);
    } catch {
      send(res, graphError(413, 'RequestEntityTooLarge', 'Body too large.'));
      return;
    }
    const base = {
      service: service ?? 'graph',
      startedAt,
      method,
      path: url.pathname,
      target: req.url ?? '',
      ...(service === 'graph' && url.search !== '' ? { query: url.search } : {}),
      ...(service === 'graph' && method !== 'GET' && body !== undefined ? { body } : {}),
    };
    if (service === undefined) {
      send(res, graphError(404, 'NotFound', 'No such endpoint on the tenant emulator.'));
      this.record({ ...base, status: 404 });
      return;
    }
    const latency = this.faults.latencyOf(service);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    let dropAfter = false;
    let badToken: BadToken | undefined;
    let handled = body;
    for (const action of this.faults.take(service, method, url.pathname)) {
      if ('rewriteBody' in action) {
        handled = action.rewriteBody(handled);
      } else if ('delayMs' in action) {
        await new Promise((resolve) => setTimeout(resolve, action.delayMs));
      } else if ('badToken' in action) {
        badToken = action.badToken;
      } else if ('drop' in action) {
        if (action.drop === 'after-handling') {
          dropAfter = true;
          continue;
        }
        this.record({ ...base, status: 'dropped', fault: 'drop before handling' });
        req.socket.destroy();
        return;
      } else {
        send(res, faultReply(service, action));
        this.record({ ...base, status: action.status, fault: `status ${action.status}` });
        return;
      }
    }
    const reply = await this.route(service, method, segments, url, req, handled, badToken);
    if (dropAfter) {
      this.record({ ...base, status: 'dropped', fault: `drop after handling (${reply.status})` });
      req.socket.destroy();
      return;
    }
    send(res, reply);
    this.record({ ...base, status: reply.status, ...(badToken === undefined || service !== 'identity' ? {} : { fault: `bad token (${badToken})` }) });
  }

  private async route(service: Service, method: string, segments: string[], url: URL, req: IncomingMessage, body: unknown, badToken?: BadToken): Promise<GraphReply> {
    switch (service) {
      case 'openid':
        return method === 'GET' ? openIdMetadata(this, segments) : { status: 405 };
      case 'jwks':
        return method === 'GET' ? { status: 200, body: this.issuer.jwks() } : { status: 405 };
      case 'identity':
        return method === 'GET' ? managedIdentityToken(this, url.searchParams, req.headers, badToken) : { status: 405 };
      case 'graph':
        return graph(this, { method, segments, query: url.searchParams, headers: req.headers, body });
    }
  }
}

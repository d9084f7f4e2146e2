import { AppError } from './errors.js';
import { httpsOrigin } from './https-origin.js';
import { MIN_REFRESH_COOLDOWN_MS } from './ingress/signing-keys.js';
import { ledgerLocation, type LedgerLocation } from './ledger/ledger-url.js';

/** Everything the app reads from its environment (app settings in Azure, env vars locally). */
export interface Config {
  readonly tenantId: string;
  /** Origin of the Entra authority, e.g. https://login.microsoftonline.com (national clouds differ). */
  readonly authorityHost: string;
  /** Accepted `aud` values of the relay's token: the function API's app ID URI and/or client id. */
  readonly calloutAudiences: readonly string[];
  /** Accepted `appid` (v1) / `azp` (v2) values: the relay's managed identity client id. */
  readonly allowedCallerAppIds: readonly string[];
  /** App role the caller's token must carry, when set. */
  readonly requiredCallerRole: string | undefined;
  /** Origin of Microsoft Graph for this cloud, e.g. https://graph.microsoft.com. */
  readonly graphBaseUrl: string;
  /** Client id of the user-assigned managed identity used for Graph. */
  readonly managedIdentityClientId: string;
  /** Whether a resume at `assignmentRequestApproved` may deny (sources disagree; default no). */
  readonly allowDenyAtApprovedStage: boolean;
  /** Total time one callout may spend on Graph, retries included, before answering 503. */
  readonly graphBudgetMs: number;
  /** Time one Graph call may take before it is abandoned (and retried within the budget). */
  readonly graphTimeoutMs: number;
  /** Minimum time between two signing-key refreshes triggered by an unknown `kid` (at least 1 s). */
  readonly keyRefreshCooldownMs: number;
  /** The policy document; undefined: the one deployed with the app (policy/policy.json). */
  readonly policyPath: string | undefined;
  /** DECISION_LEDGER_URL: the table every instance records decisions in; undefined: this instance's memory. */
  readonly decisionLedger: LedgerLocation | undefined;
  /** LEDGER_RETENTION_DAYS: entries older than this are purged (default 400). */
  readonly ledgerRetentionDays: number;
  /** PIM's app ids, the callers `POST /api/pim` accepts (none: every PIM call is refused 403, naming the caller's app id). */
  readonly pimCallerAppIds: readonly string[];
  /** The whole of a PIM evaluation, under the extension's timeoutInMilliseconds: facts not back by then count as unavailable. */
  readonly pimDeadlineMs: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The settings a deployment must provide; the others have defaults. */
export const REQUIRED_SETTINGS = [
  'AZURE_TENANT_ID',
  'CALLOUT_AUDIENCE',
  'ALLOWED_CALLER_APP_IDS',
  'AZURE_CLIENT_ID',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
] as const;

class Reader {
  readonly missing: string[] = [];
  readonly invalid: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  required(name: string): string {
    const value = this.raw(name);
    if (value === undefined) this.missing.push(name);
    return value ?? '';
  }

  guid(name: string): string {
    const value = this.required(name);
    if (value !== '' && !GUID.test(value)) this.invalid.push(`${name} must be a GUID`);
    return value.toLowerCase();
  }

  /** A list that may be absent (then empty). */
  optionalList(name: string, check: (item: string) => boolean, what: string): string[] {
    return this.raw(name) === undefined ? [] : this.list(name, check, what);
  }

  list(name: string, check?: (item: string) => boolean, what?: string): string[] {
    const value = this.required(name);
    const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (value !== '' && items.length === 0) this.invalid.push(`${name} must list at least one value`);
    if (check && items.some((item) => !check(item))) this.invalid.push(`${name} must be a comma-separated list of ${what ?? 'values'}`);
    return items;
  }

  origin(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    const origin = httpsOrigin(value);
    if (origin === undefined) this.invalid.push(`${name} must be an https origin such as ${fallback} (no path)`);
    return origin ?? fallback;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    this.invalid.push(`${name} must be true or false`);
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.invalid.push(`${name} must be a whole number between ${min} and ${max}`);
      return fallback;
    }
    return n;
  }

  ledger(name: string): LedgerLocation | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const found = ledgerLocation(value);
    if ('problem' in found) {
      this.invalid.push(`${name} ${found.problem}`);
      return undefined;
    }
    return found;
  }

  seconds(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback * 1000;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) {
      this.invalid.push(`${name} must be a number of seconds between ${min} and ${max}`);
      return fallback * 1000;
    }
    return Math.round(n * 1000);
  }
}

/** A little under the 10 s `timeoutInMilliseconds` `npm run register -- --pim` gives the extension (and Microsoft's example). */
export const DEFAULT_PIM_DEADLINE_MS = 9000;
/** The PIM_DEADLINE_MS the function takes (register --pim refuses the same). */
export const PIM_DEADLINE_MS_RANGE = { min: 500, max: 120_000 } as const;

/**
 * Reads and validates the configuration. Every missing or invalid setting is named in one error,
 * so a deployment is fixed in one pass. Secret values (IDENTITY_HEADER) are checked for presence
 * only and never copied into the config or a message.
 */
export function loadConfig(env: Env): Config {
  const r = new Reader(env);
  const config: Config = {
    tenantId: r.guid('AZURE_TENANT_ID'),
    authorityHost: r.origin('AZURE_AUTHORITY_HOST', 'https://login.microsoftonline.com'),
    calloutAudiences: r.list('CALLOUT_AUDIENCE'),
    allowedCallerAppIds: r.list('ALLOWED_CALLER_APP_IDS', (s) => GUID.test(s), 'GUIDs').map((s) => s.toLowerCase()),
    requiredCallerRole: r.raw('REQUIRED_CALLER_ROLE'),
    graphBaseUrl: r.origin('GRAPH_BASE_URL', 'https://graph.microsoft.com'),
    managedIdentityClientId: r.guid('AZURE_CLIENT_ID'),
    allowDenyAtApprovedStage: r.boolean('ALLOW_DENY_AT_APPROVED_STAGE', false),
    graphBudgetMs: r.seconds('GRAPH_RETRY_BUDGET_SECONDS', 25, 1, 100),
    graphTimeoutMs: r.seconds('GRAPH_TIMEOUT_SECONDS', 10, 0.1, 60),
    // At least 1 s: with none, every token with a forged kid would re-read the tenant's keys.
    keyRefreshCooldownMs: r.seconds('SIGNING_KEY_REFRESH_COOLDOWN_SECONDS', 5, MIN_REFRESH_COOLDOWN_MS / 1000, 3600),
    policyPath: r.raw('POLICY_PATH'),
    decisionLedger: r.ledger('DECISION_LEDGER_URL'),
    ledgerRetentionDays: r.integer('LEDGER_RETENTION_DAYS', 400, 1, 3650),
    pimCallerAppIds: r.optionalList('PIM_CALLER_APP_IDS', (s) => GUID.test(s), 'GUIDs').map((s) => s.toLowerCase()),
    pimDeadlineMs: r.integer('PIM_DEADLINE_MS', DEFAULT_PIM_DEADLINE_MS, PIM_DEADLINE_MS_RANGE.min, PIM_DEADLINE_MS_RANGE.max),
  };
  r.required('IDENTITY_ENDPOINT');
  r.required('IDENTITY_HEADER');
  if (config.graphTimeoutMs > config.graphBudgetMs) {
    r.invalid.push('GRAPH_TIMEOUT_SECONDS must not exceed GRAPH_RETRY_BUDGET_SECONDS');
  }
  if (r.missing.length > 0 || r.invalid.length > 0) {
    const parts: string[] = [];
    if (r.missing.length > 0) parts.push(`missing settings: ${r.missing.join(', ')}`);
    if (r.invalid.length > 0) parts.push(`invalid settings: ${r.invalid.join('; ')}`);
    throw new AppError('CONFIG.INVALID', `entitlement-guard cannot start: ${parts.join('. ')}.`, {
      details: { missing: r.missing.join(','), invalid: r.invalid.length },
    });
  }
  return config;
}

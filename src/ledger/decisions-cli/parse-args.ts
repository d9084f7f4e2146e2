import { parseCommand, readFlags, UsageError, type ParsedCommand } from '../../cli/command-line.js';
import { ledgerArg, sourceArg } from '../../cli/source-args.js';
import { parseGuid, type Guid } from '../../guid.js';
import { TENANT_SOURCE_OPTIONS, type TenantSource } from '../../tenant-source.js';
import type { LedgerEntry } from '../ledger.js';
import type { LedgerLocation } from '../ledger-url.js';

/** The decisions a filter may name: the kinds a ledger entry records (a resume was due). */
export const DECISION_KINDS = ['continue', 'deny', 'approval-stage', 'complete', 'fail', 'approve', 'auto-approve'] as const satisfies readonly LedgerEntry['decision'][];
export type DecisionKind = (typeof DECISION_KINDS)[number];

export type OutputFormat = 'table' | 'json' | 'csv';

/** The target user: an object id as given (lower-cased), or a UPN to resolve through Graph first. */
export type UserFilter = { readonly kind: 'id'; readonly id: Guid } | { readonly kind: 'upn'; readonly upn: string };

export interface DecisionsArgs {
  readonly ledger: LedgerLocation;
  /** Where the ledger's URL came from, for messages. */
  readonly ledgerFrom: '--ledger' | 'DECISION_LEDGER_URL';
  readonly request: Guid | undefined;
  readonly user: UserFilter | undefined;
  readonly packageId: Guid | undefined;
  readonly decision: DecisionKind | undefined;
  /** Decided at or after. */
  readonly from: Date | undefined;
  /** Decided before (a date alone: the day after it, so the day is included). */
  readonly to: Date | undefined;
  readonly format: OutputFormat;
  /** Where a UPN is resolved, and with --live the tenant the table is signed in to. */
  readonly source: TenantSource;
}

export type ParsedDecisionsArgs = ParsedCommand<DecisionsArgs>;

/** Most entries one run reads: they are held in memory to be sorted, so a query matching more must be narrowed. */
export const MAX_ENTRIES = 50_000;

export const DECISIONS_USAGE = `Usage: npm run decisions -- [--ledger <table URL>] [filters] [--json | --csv]
       npm run decisions -- --user <UPN> --live --tenant-id <id> [--ledger <table URL>] [filters] [--json | --csv]

Reads the decision ledger: every decision entitlement-guard recorded (one entry per callout),
oldest first. Read-only: nothing is written, resumed or purged.

Filters (every one given must hold):
  --request <id>            the access package assignment request (or LCW task processing result) id
  --user <id | UPN>         the target user: an object id, or a user principal name resolved to one
                            through Graph (the tenant emulator by default, --live for a tenant)
  --package <id>            the access package
  --decision <kind>         continue, deny, approval-stage, complete or fail
  --from <ISO date>         decided at or after: 2025-01-31 (00:00 UTC) or 2025-01-31T09:00:00Z
  --to <ISO date>           decided before; a date alone includes that whole day (UTC)

Source:
  --ledger <table URL>      the ledger's table (default: DECISION_LEDGER_URL), such as
                            https://<account>.table.core.windows.net/decisions; read with your own
                            sign-in (DefaultAzureCredential: az login, environment, ...), which needs
                            the Storage Table Data Reader role on the table or its account. A local
                            Azurite (https://127.0.0.1:<port>/devstoreaccount1/<table>) is read with
                            its published development key, no sign-in (npm run demo -- --keep)
  --tenant <file>           tenant file for resolving a --user UPN with the in-process tenant emulator
                            (default: emulator/tenants/contoso.json)
  --live --tenant-id <id>   resolve a --user UPN in a real tenant, and sign in to that tenant for the table
  --graph <origin>          Graph origin for --live (default https://graph.microsoft.com)

Output:
  (default)                 a table for people, the detail truncated
  --json                    a JSON array of the entries, whole
  --csv                     RFC 4180 CSV, a header and one row per entry, fixed columns
  --help                    this text

Exit codes: 0 read (also when nothing matches), 1 the table, Graph or the sign-in failed, or
more than ${String(MAX_ENTRIES)} entries match (narrow the filters), 2 bad arguments, no ledger given, an unknown
user or table.`;

const OPTIONS = {
  ledger: { type: 'string' },
  request: { type: 'string' },
  user: { type: 'string' },
  package: { type: 'string' },
  decision: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  ...TENANT_SOURCE_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

function guid(value: string | undefined, flag: string): Guid | undefined {
  if (value === undefined) return undefined;
  const id = parseGuid(value);
  if (id === undefined) throw new UsageError(`${flag} must be a GUID, not "${value}"`);
  return id;
}

function userOf(value: string | undefined): UserFilter | undefined {
  if (value === undefined) return undefined;
  const id = parseGuid(value);
  if (id !== undefined) return { kind: 'id', id };
  if (/^[^@\s/?]+@[^@\s/?]+$/.test(value)) return { kind: 'upn', upn: value };
  throw new UsageError(`--user must be an object id (GUID) or a user principal name (name@domain), not "${value}"`);
}

function decisionOf(value: string | undefined): DecisionKind | undefined {
  if (value === undefined) return undefined;
  const found = DECISION_KINDS.find((kind) => kind === value.toLowerCase());
  if (found === undefined) throw new UsageError(`--decision must be one of ${DECISION_KINDS.join(', ')}, not "${value}"`);
  return found;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * An ISO 8601 date (a UTC day) or a date and time with a zone (Z or ±hh:mm; without one it
 * would be the reader's local time, which an audit must not depend on). A day that does not
 * exist (2025-02-30) is refused, not rolled over.
 */
function timeOf(value: string | undefined, flag: '--from' | '--to'): Date | undefined {
  if (value === undefined) return undefined;
  const problem = `${flag} must be an ISO date (2025-01-31) or date and time with a zone (2025-01-31T09:00:00Z), not "${value}"`;
  const day = DATE.exec(value);
  const time = day === null ? TIME.exec(value) : null;
  const parts = day ?? time;
  if (parts === null) throw new UsageError(problem);
  const [, y = '', m = '', d = '', hh = '00', mm = '00', ss = '00'] = parts;
  const calendar = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (calendar.getUTCFullYear() !== Number(y) || calendar.getUTCMonth() !== Number(m) - 1 || calendar.getUTCDate() !== Number(d)) throw new UsageError(problem);
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) throw new UsageError(problem);
  if (day !== null) return flag === '--to' ? new Date(calendar.getTime() + 86_400_000) : calendar;
  const at = Date.parse(value);
  if (!Number.isFinite(at)) throw new UsageError(problem);
  return new Date(at);
}

function ledgerOf(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): Pick<DecisionsArgs, 'ledger' | 'ledgerFrom'> {
  const given = ledgerArg(flag, env);
  if (given === undefined) {
    throw new UsageError('no ledger to read: give --ledger <table URL> (https://<account>.table.core.windows.net/<table>) or set DECISION_LEDGER_URL');
  }
  return { ledger: given.location, ledgerFrom: given.from };
}

/** The command line (after `--`) and the environment → what to read, or the one line saying what to change. */
export function parseDecisionsArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedDecisionsArgs {
  return parseCommand(() => {
    const values = readFlags(argv, OPTIONS, { firstLine: true });
    if (values.help === true) return { kind: 'help' };
    for (const name of ['ledger', 'request', 'user', 'package', 'decision', 'from', 'to', 'tenant', 'tenant-id', 'graph'] as const) {
      if (values[name]?.trim() === '') throw new UsageError(`--${name} needs a value`);
    }
    if (values.json === true && values.csv === true) throw new UsageError('--json and --csv cannot be given together: choose one format');
    const source = sourceArg(values);
    const user = userOf(values.user);
    if (values.tenant !== undefined && user?.kind !== 'upn') throw new UsageError('--tenant names the tenant a --user UPN is resolved in; give it only with --user <UPN>');
    const from = timeOf(values.from, '--from');
    const to = timeOf(values.to, '--to');
    if (from !== undefined && to !== undefined && from.getTime() >= to.getTime()) throw new UsageError(`--from (${from.toISOString()}) must be before --to (${to.toISOString()})`);
    const args: DecisionsArgs = {
      ...ledgerOf(values.ledger, env),
      request: guid(values.request, '--request'),
      user,
      packageId: guid(values.package, '--package'),
      decision: decisionOf(values.decision),
      from,
      to,
      format: values.json === true ? 'json' : values.csv === true ? 'csv' : 'table',
      source,
    };
    return { kind: 'run', args };
  });
}

/** Whether a user filter needs Graph: only a UPN does (an object id is read as given, even for a user since deleted). */
export const needsGraph = (args: DecisionsArgs): boolean => args.user?.kind === 'upn';

/** The filters in words, for the table's heading ("request …, decision deny, from …"). */
export function filterWords(args: DecisionsArgs, userId: string | undefined): string {
  const parts: string[] = [];
  if (args.request !== undefined) parts.push(`request ${args.request}`);
  if (args.user !== undefined) parts.push(args.user.kind === 'upn' ? `user ${args.user.upn} (${userId ?? '?'})` : `user ${args.user.id}`);
  if (args.packageId !== undefined) parts.push(`package ${args.packageId}`);
  if (args.decision !== undefined) parts.push(`decision ${args.decision}`);
  if (args.from !== undefined) parts.push(`from ${args.from.toISOString()}`);
  if (args.to !== undefined) parts.push(`before ${args.to.toISOString()}`);
  return parts.length === 0 ? 'all entries' : parts.join(', ');
}

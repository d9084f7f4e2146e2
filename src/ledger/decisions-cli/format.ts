import { csvCell } from '../../sod/scan/scan-csv.js';
import type { LedgerEntry } from '../ledger.js';

/** Oldest first; entries decided at the same instant by request, then stage instance. */
export function byDecidedAt(a: LedgerEntry, b: LedgerEntry): number {
  return a.decidedAt.localeCompare(b.decidedAt) || a.key.subject.localeCompare(b.key.subject) || a.key.stageInstance.localeCompare(b.key.stageInstance);
}

/** The entries whole, every property present (null where the entry has none), for machines. */
export function decisionsJson(entries: readonly LedgerEntry[]): string {
  return `${JSON.stringify(entries, (_key, value: unknown) => (value === undefined ? null : value), 2)}\n`;
}

/**
 * The CSV's columns, fixed whatever the entries hold: one row per entry, so a pivot on
 * request_id + stage_instance_id counts callouts. Times are ISO 8601 UTC; policy scopes and
 * findings are joined with "; ".
 */
export const DECISIONS_CSV_COLUMNS = [
  'decided_at', 'request_id', 'stage_instance_id', 'protocol', 'stage', 'request_type', 'decision', 'detail', 'decided_by', 'operator', 'reason', 'caller_app_id',
  'state', 'sent_at', 'confirmed_at', 'policy_version', 'policy_scopes', 'findings', 'catalog_id', 'access_package_id', 'target_object_id', 'resume_api_version', 'resume_path',
] as const;

const findingText = (entry: LedgerEntry): string => entry.findings.map((f) => `${f.check} ${f.outcome}: ${f.message}`).join('; ');

function csvRow(entry: LedgerEntry): readonly string[] {
  const cells: Record<(typeof DECISIONS_CSV_COLUMNS)[number], string | undefined> = {
    decided_at: entry.decidedAt,
    request_id: entry.key.subject,
    stage_instance_id: entry.key.stageInstance,
    protocol: entry.protocol,
    stage: entry.stage,
    request_type: entry.subject.requestType,
    decision: entry.decision,
    detail: entry.detail,
    decided_by: entry.decidedBy,
    operator: entry.operator,
    reason: entry.reason,
    caller_app_id: entry.callerAppId,
    state: entry.state,
    sent_at: entry.sentAt,
    confirmed_at: entry.confirmedAt,
    policy_version: entry.policy?.version,
    policy_scopes: entry.policy?.scopes.join('; '),
    findings: findingText(entry),
    catalog_id: entry.subject.catalogId,
    access_package_id: entry.subject.accessPackageId,
    target_object_id: entry.subject.targetObjectId,
    resume_api_version: entry.resume.apiVersion,
    resume_path: entry.resume.path,
  };
  return DECISIONS_CSV_COLUMNS.map((column) => cells[column] ?? '');
}

/**
 * RFC 4180: a header row, then one row per entry; comma-separated, CRLF line ends, a field
 * quoted when it holds a comma, quote, CR or LF, quotes doubled. A cell a spreadsheet would run
 * as a formula gets a `'` before it, as the scan's CSV does (src/sod/scan/scan-csv.ts).
 */
export function decisionsCsv(entries: readonly LedgerEntry[]): string {
  return [DECISIONS_CSV_COLUMNS, ...entries.map(csvRow)].map((cells) => `${cells.map(csvCell).join(',')}\r\n`).join('');
}

/** The detail's width in the table; --json and --csv carry it whole. */
export const DETAIL_WIDTH = 60;

/** One line of plain text: control characters (a terminal's escapes among them) shown as spaces, runs of space as one. */
const control = (code: number): boolean => code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
const plain = (text: string): string => Array.from(text, (c) => (control(c.codePointAt(0) ?? 0) ? ' ' : c)).join('').replace(/ {2,}/g, ' ').trim();

function truncate(text: string, width: number): string {
  const chars = Array.from(text);
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

/** assignmentRequestCreated → created: the table names the stage without the prefix every request stage shares. */
function stageText(entry: LedgerEntry): string {
  if (entry.protocol === 'lcw') return 'lcw task';
  if (entry.protocol === 'pim') return entry.stage ?? 'pim activation';
  if (entry.stage === undefined) return '-';
  const short = entry.stage.replace(/^assignmentRequest/, '');
  return short === '' ? entry.stage : `${short.charAt(0).toLowerCase()}${short.slice(1)}`;
}

const decidedBy = (entry: LedgerEntry): string => (entry.decidedBy === 'operator' && entry.operator !== undefined ? `operator ${entry.operator}` : entry.decidedBy);

/** 2025-01-31T09:00:00.000Z → 2025-01-31 09:00:00Z. */
const when = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** A GUID as its first 8 and last 4 digits (1c6c5a59…8c78): enough to tell a handful of requests apart. */
const shortId = (id: string): string => (/^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(id) ? `${id.slice(0, 8)}…${id.slice(-4)}` : id);

/** A column of a table of entries: its heading, and its cell for an entry (made plain when printed). */
interface Column {
  readonly heading: string;
  cell(entry: LedgerEntry): string;
}

const COLUMN = {
  decidedAt: { heading: 'DECIDED AT (UTC)', cell: (e) => when(e.decidedAt) },
  request: { heading: 'REQUEST', cell: (e) => e.key.subject },
  shortRequest: { heading: 'REQUEST', cell: (e) => shortId(e.key.subject) },
  stage: { heading: 'STAGE', cell: stageText },
  decision: { heading: 'DECISION', cell: (e) => e.decision },
  decidedBy: { heading: 'DECIDED BY', cell: decidedBy },
  briefDecidedBy: { heading: 'DECIDED BY', cell: (e) => truncate(plain(decidedBy(e)), 40) },
  state: { heading: 'STATE', cell: (e) => e.state },
  policy: { heading: 'POLICY', cell: (e) => e.policy?.version ?? '-' },
  detail: { heading: 'DETAIL', cell: (e) => truncate(plain(e.detail), DETAIL_WIDTH) },
} satisfies Record<string, Column>;

/** `npm run decisions`: every column, the detail last. */
const FULL: readonly Column[] = [COLUMN.decidedAt, COLUMN.request, COLUMN.stage, COLUMN.decision, COLUMN.decidedBy, COLUMN.state, COLUMN.policy, COLUMN.detail];
/** The demo's summary: what each callout came to, within 120 columns (indented by 2) for the stages Entra sends. */
const BRIEF: readonly Column[] = [COLUMN.shortRequest, COLUMN.stage, COLUMN.decision, COLUMN.briefDecidedBy, COLUMN.state];

/** A heading line and one line per entry, columns padded to their widest cell (the last one not). */
function tableLines(entries: readonly LedgerEntry[], columns: readonly Column[]): string[] {
  const rows = [columns.map((c) => c.heading), ...entries.map((entry) => columns.map((c) => plain(c.cell(entry))))];
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

/**
 * The entries for people: a heading naming the ledger and the filters, one line per entry with
 * columns padded to their widest cell, the detail cut to DETAIL_WIDTH characters, and a count.
 */
export function decisionsTable(entries: readonly LedgerEntry[], heading: { readonly where: string; readonly filters: string }): string {
  const head = `Decision ledger: ${plain(heading.where)}; ${plain(heading.filters)}\n`;
  if (entries.length === 0) return `${head}\nNo decisions match.\n`;
  const count = entries.length === 1 ? '1 decision' : `${String(entries.length)} decisions`;
  return `${head}\n${tableLines(entries, FULL).join('\n')}\n\n${count}.\n`;
}

/**
 * The entries in brief, as the demo shows them: the request id shortened, the stage, decision,
 * who decided and the state, one line each under a heading line, every line `indent` first.
 */
export function decisionsBrief(entries: readonly LedgerEntry[], indent = ''): string {
  return tableLines(entries, BRIEF).map((line) => `${indent}${line}\n`).join('');
}

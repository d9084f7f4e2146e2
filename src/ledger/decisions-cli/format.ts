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
  if (entry.stage === undefined) return '-';
  const short = entry.stage.replace(/^assignmentRequest/, '');
  return short === '' ? entry.stage : `${short.charAt(0).toLowerCase()}${short.slice(1)}`;
}

const decidedBy = (entry: LedgerEntry): string => (entry.decidedBy === 'operator' && entry.operator !== undefined ? `operator ${entry.operator}` : entry.decidedBy);

/** 2025-01-31T09:00:00.000Z → 2025-01-31 09:00:00Z. */
const when = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

const HEADINGS = ['DECIDED AT (UTC)', 'REQUEST', 'STAGE', 'DECISION', 'DECIDED BY', 'STATE', 'POLICY', 'DETAIL'] as const;

function tableRow(entry: LedgerEntry): readonly string[] {
  return [when(entry.decidedAt), entry.key.subject, stageText(entry), entry.decision, decidedBy(entry), entry.state, entry.policy?.version ?? '-', entry.detail]
    .map(plain)
    .map((cell, i, all) => (i === all.length - 1 ? truncate(cell, DETAIL_WIDTH) : cell));
}

/**
 * The entries for people: a heading naming the ledger and the filters, one line per entry with
 * columns padded to their widest cell, the detail cut to DETAIL_WIDTH characters, and a count.
 */
export function decisionsTable(entries: readonly LedgerEntry[], heading: { readonly where: string; readonly filters: string }): string {
  const head = `Decision ledger: ${plain(heading.where)}; ${plain(heading.filters)}\n`;
  if (entries.length === 0) return `${head}\nNo decisions match.\n`;
  const rows = [HEADINGS, ...entries.map(tableRow)];
  const widths = HEADINGS.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
  const count = entries.length === 1 ? '1 decision' : `${String(entries.length)} decisions`;
  return `${head}\n${lines.join('\n')}\n\n${count}.\n`;
}

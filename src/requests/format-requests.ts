import { formatAge, type LedgerCell, type OurExtension, type RequestRow } from './classify-requests.js';
import { describeExtension, type RequestsResult } from './run-requests.js';

/** Short names of the request stages, for the table. */
const SHORT: Readonly<Record<string, string>> = {
  assignmentRequestCreated: 'created',
  assignmentRequestDeterminingApprovalRequirements: 'approval-requirements',
  assignmentRequestApproved: 'approved',
  assignmentRequestGranted: 'granted',
  assignmentRequestRemoved: 'removed',
};

const ref = (r: { readonly id: string; readonly displayName: string | undefined }): string => (r.displayName === undefined ? r.id : `${r.displayName} (${r.id})`);
const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function stageText(row: RequestRow): string {
  if (row.stages.length === 0) return '?';
  return row.stages.map((s) => SHORT[s] ?? s).join(' or ');
}

/** `42m of PT1H`, `1h 12m of PT1H, past`, `42m (no window)`, `?` without a creation time. */
export function ageText(row: Pick<RequestRow, 'ageMs' | 'pastWindow' | 'extension'>): string {
  if (row.ageMs === undefined) return '?';
  const age = formatAge(row.ageMs);
  const window = row.extension?.callbackWindow;
  if (window === undefined) return `${age} (no window)`;
  return `${age} of ${window}${row.pastWindow === true ? ', past' : ''}`;
}

export function ledgerText(cell: LedgerCell): string {
  if (cell.kind === 'no-ledger') return 'no ledger';
  if (cell.kind === 'none') return 'none';
  return `${cell.entry.decision} (${cell.entry.state})`;
}

function extensionLine(e: OurExtension): string {
  const where = e.catalog === undefined ? 'in no catalog read' : `in catalog ${ref(e.catalog)}`;
  const window = e.callbackWindow === undefined ? 'no callback window known' : `callback window ${e.callbackWindow}`;
  return `  extension ${e.id}${e.displayName === undefined ? '' : ` "${e.displayName}"`} ${where}, ${window}`;
}

function table(rows: readonly RequestRow[]): string[] {
  const header = ['REQUEST', 'PACKAGE', 'STATE', 'STAGE', 'CALLOUTS OF OURS', 'AGE', 'LEDGER'];
  const cells = rows.map((row) => [
    row.request.id,
    clip(row.request.accessPackage?.displayName ?? row.request.accessPackage?.id ?? '?', 32),
    row.request.state ?? '?',
    stageText(row),
    row.ours.map((i) => i.status ?? '?').join(', '),
    ageText(row),
    ledgerText(row.ledger),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: readonly string[]) => c.map((text, i) => (i === c.length - 1 ? text : text.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...cells.map(line)];
}

function count(rows: readonly RequestRow[], verdict: RequestRow['verdict']): number {
  return rows.filter((r) => r.verdict === verdict).length;
}

/** The listing for people: what was looked for and where, a table oldest first, a summary line. */
export function formatRequests(result: RequestsResult, tenant: string): string {
  const scope = result.accessPackage !== undefined ? `for access package ${ref(result.accessPackage)}` : result.catalog !== undefined ? `in catalog ${ref(result.catalog)}` : 'in every catalog';
  const lines = [`Assignment requests waiting on ${describeExtension(result.extension)} ${scope}: ${tenant}, ${new Date(result.at).toISOString()}`];
  lines.push(...(result.extensions.length === 0 ? ['  no such custom extension in the catalogs of the requests with callouts'] : result.extensions.map(extensionLine)));
  lines.push(`  ledger: ${result.ledger ?? 'none given (--ledger <table URL> or DECISION_LEDGER_URL)'}`);
  if (result.olderThan !== undefined) lines.push(`  only requests waiting longer than ${result.olderThan}`);
  lines.push('');
  const waiting = count(result.rows, 'waiting');
  const past = result.rows.filter((r) => r.verdict === 'waiting' && r.pastWindow === true).length;
  if (result.rows.length === 0) lines.push(`No request waits on ${describeExtension(result.extension)}${result.timedOut ? ' or timed out on it' : ''}.`);
  else lines.push(...table(result.rows), '');
  const gaveUp = result.timedOut ? `, ${String(count(result.rows, 'timed-out'))} timed out, ${String(count(result.rows, 'failed'))} failed` : '';
  const pages = `${String(result.read.read)} request(s) read in ${String(result.read.pages)} page(s)`;
  lines.push(`${String(waiting)} waiting (${String(past)} past the callback window)${gaveUp}; ${pages}. Ages count from each request's creation: Graph shows no time per callout.`);
  return `${lines.join('\n')}\n`;
}

function ledgerJson(cell: LedgerCell): Record<string, unknown> | null {
  if (cell.kind === 'no-ledger') return null;
  if (cell.kind === 'none') return { found: false };
  const { decision, state, decidedAt, decidedBy, stage } = cell.entry;
  return { found: true, decision, state, decidedAt, decidedBy, stage: stage ?? null };
}

/** The listing for machines: ages in whole milliseconds (the clock's fraction is noise). */
export function requestsJson(result: RequestsResult, tenant: string): Record<string, unknown> {
  const refOf = (r: { readonly id: string; readonly displayName: string | undefined } | undefined) => (r === undefined ? null : { id: r.id, displayName: r.displayName ?? null });
  return {
    tenant,
    at: new Date(result.at).toISOString(),
    scope: { catalog: refOf(result.catalog), accessPackage: refOf(result.accessPackage) },
    extension: result.extension.kind === 'id' ? { id: result.extension.id } : { displayName: result.extension.name },
    extensions: result.extensions.map((e) => ({ id: e.id, displayName: e.displayName ?? null, catalog: refOf(e.catalog), callbackWindow: e.callbackWindow ?? null })),
    olderThan: result.olderThan ?? null,
    timedOut: result.timedOut,
    ledger: result.ledger ?? null,
    requests: result.rows.map((row) => ({
      id: row.request.id,
      verdict: row.verdict,
      state: row.request.state ?? null,
      status: row.request.status ?? null,
      requestType: row.request.requestType ?? null,
      createdDateTime: row.request.createdDateTime ?? null,
      accessPackage: refOf(row.request.accessPackage),
      stages: row.stages,
      stageFrom: row.stageFrom,
      stageInstanceId: row.instance.id,
      customExtensionId: row.instance.customExtensionId ?? null,
      ageMs: row.ageMs === undefined ? null : Math.round(row.ageMs),
      age: ageText(row),
      callbackWindow: row.extension?.callbackWindow ?? null,
      pastWindow: row.pastWindow ?? null,
      calloutInstances: row.ours.map((i) => ({ id: i.id, customExtensionId: i.customExtensionId ?? null, status: i.status ?? null, detail: i.detail ?? null })),
      ledger: ledgerJson(row.ledger),
    })),
    counts: {
      waiting: count(result.rows, 'waiting'),
      pastWindow: result.rows.filter((r) => r.verdict === 'waiting' && r.pastWindow === true).length,
      timedOut: count(result.rows, 'timed-out'),
      failed: count(result.rows, 'failed'),
      requestsRead: result.read.read,
      pages: result.read.pages,
    },
  };
}

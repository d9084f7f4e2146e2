/**
 * What `npm run demo` prints, as a pure function of what the run got: a header naming the policy
 * and tenant files, a legend, the callouts' table (each answer beside what was expected), the PIM
 * activations, the resume bodies Graph received (one short line each; in full with --verbose) and
 * the decision ledger. Every line fits a 120-column terminal, except what --verbose adds.
 */
import { byDecidedAt, decisionsBrief } from '../../src/ledger/decisions-cli/format.js';
import type { LedgerEntry } from '../../src/ledger/ledger.js';
import type { Scenario } from './scenarios.js';

export const REPORT_WIDTH = 120;

/** One callout as the demo sent it and what came of it. */
export interface CalloutResult {
  readonly scenario: Pick<Scenario, 'name' | 'expect'>;
  readonly status: number;
  /** The answer's outcome, or its error code. */
  readonly outcome: string;
  /** The decision, `none`, or `-` (no decision record). */
  readonly decision: string;
  /** `check-id/messageId` of every finding, sorted. */
  readonly findings: readonly string[];
  /** The resume bodies Graph received for it. */
  readonly received: readonly unknown[];
  readonly ok: boolean;
}

/** One PIM activation the emulator made and what PIM got. */
export interface ActivationResult {
  readonly name: string;
  readonly expect: { readonly outcome: string; readonly reason: RegExp };
  readonly outcome: string;
  readonly reasons: readonly string[];
  readonly ms: number;
  readonly ok: boolean;
}

export interface DemoRun {
  /** The files the run used, as the user would name them (relative to the repository). */
  readonly policyFile: string;
  readonly tenantFile: string;
  readonly tenantId: string;
  readonly emulatorOrigin: string;
  readonly hostUrl: string;
  readonly ledgerUrl: string;
  readonly pimDeadlineMs: number;
  readonly callouts: readonly CalloutResult[];
  readonly activations: readonly ActivationResult[];
  readonly ledger: readonly LedgerEntry[];
  /** The ledger stays in Azurite after the report (--keep). */
  readonly kept: boolean;
  readonly hostOutput: readonly string[];
}

export interface DemoReport {
  readonly text: string;
  /** The names of the callouts and activations that did not get what they should have. */
  readonly failed: readonly string[];
}

export const clip = (value: string, width: number): string => (value.length <= width ? value : `${value.slice(0, width - 1)}…`);

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: readonly string[]) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  const [header, ...body] = rows;
  return header === undefined ? [] : [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

const messageIds = (findings: readonly string[]): string => findings.map((f) => f.slice(f.indexOf('/') + 1)).join(' ');

/** How many resumes an outcome means: `resumed` one, any other none. */
const usualResumes = (outcome: string | undefined): number => (outcome === 'resumed' ? 1 : 0);

/** `200 resumed`, with `×n` when Graph received another number of resumes than the outcome means. */
function answer(status: number, outcome: string | undefined, resumes: number): string {
  const parts = [String(status), ...(outcome === undefined ? [] : [outcome])];
  if (resumes !== usualResumes(outcome)) parts.push(`×${String(resumes)}`);
  return parts.join(' ');
}

/** `deny (riskTooHigh)`: the decision and the message id of each finding. */
function decided(decision: string, findings: readonly string[]): string {
  return findings.length === 0 ? decision : `${decision} (${messageIds(findings)})`;
}

/** What differs from what was expected, one `what: expected, got` each. */
function differences(r: CalloutResult): string[] {
  const { expect } = r.scenario;
  const out: string[] = [];
  if (r.status !== expect.status) out.push(`HTTP ${String(expect.status)}, got ${String(r.status)}`);
  if (expect.outcome !== undefined && expect.outcome !== r.outcome) out.push(`outcome ${expect.outcome}, got ${r.outcome}`);
  if (expect.resumes !== r.received.length) out.push(`${String(expect.resumes)} resumes, got ${String(r.received.length)}`);
  if (expect.decision !== undefined && expect.decision !== r.decision) out.push(`decision ${expect.decision}, got ${r.decision}`);
  if (expect.findings !== undefined && expect.findings.join() !== r.findings.join()) out.push(`findings [${expect.findings.join(' ')}], got [${r.findings.join(' ')}]`);
  return out;
}

/** The cell beside the answer: what the demo requires (the decision, else the outcome, else the status); `✗` when it got something else. */
function expectedCell(r: CalloutResult): string {
  const { expect } = r.scenario;
  const headline = expect.decision ?? expect.outcome ?? answer(expect.status, undefined, expect.resumes);
  return r.ok ? headline : `✗ ${headline}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The approvers of a stage, by their descriptions: `Level-1 manager: Morgan Ek`. */
function approvers(value: unknown): string {
  const list = Array.isArray(value) ? (value as unknown[]) : [];
  return list.map((a) => text((a as Record<string, unknown> | null)?.['description']) ?? text((a as Record<string, unknown> | null)?.['@odata.type']) ?? '?').join(', ');
}

/**
 * A resume body on one short line: what it tells Entra, then its detail text, e.g.
 * `deny · Denied by policy: [risky-user] …`, `approval stage · approvers Level-1 manager: Morgan Ek; escalation …`
 * (the fallback approvers and durations in the full body),
 * `lcw completed`; any other body as its JSON. Clipped to `width`.
 */
export function resumeBrief(body: unknown, width: number): string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const data = (typeof b['data'] === 'object' && b['data'] !== null ? b['data'] : {}) as Record<string, unknown>;
  const detail = text(data['customExtensionStageInstanceDetail']);
  const approval = data['approvalStage'];
  let brief: string;
  if (typeof approval === 'object' && approval !== null) {
    const stage = approval as Record<string, unknown>;
    const levels = [`approval stage · approvers ${approvers(stage['primaryApprovers']) || 'none'}`];
    const escalation = approvers(stage['escalationApprovers']);
    if (escalation !== '') levels.push(`escalation ${escalation}`);
    brief = levels.join('; ');
  } else if (detail !== undefined) {
    brief = `${data['state'] === 'denied' ? 'deny' : 'continue'} · ${detail}`;
  } else if (b['type'] === 'lifecycleEvent' && text(data['operationStatus']) !== undefined) {
    brief = `lcw ${text(data['operationStatus']) ?? ''}`;
  } else {
    brief = JSON.stringify(body);
  }
  return clip(brief, width);
}

const LEGEND = [
  'Columns of the callouts table:',
  '  #         the row; the resume bodies Graph received are listed under it below',
  '  callout   the fixture replayed (test/fixtures/<callout>.json, its stage in its name), or what was sent instead',
  '  answer    HTTP status and outcome: resumed (Graph got a resume), launch-and-continue (Entra goes on without one),',
  '            not-resumable, connection-test, already-resumed (a repeat), or the error code; ×n: n resumes instead',
  '  decision  what the policy decided, with the message id of each finding (the resume body has their text)',
  '  expected  what the demo requires: the decision, else the outcome, else the status; ✗ marks a row that got',
  '            something else, and what differed is listed under the table',
];

/** The whole report. `verbose`: the full resume bodies and the local host's output too. */
export function demoReport(run: DemoRun, verbose: boolean): DemoReport {
  const out: string[] = [];
  const long: string[] = []; // --verbose only: not held to the width
  out.push(
    'entitlement-guard demo: the sample callouts and PIM activations through the local host, on loopback',
    '',
    `  policy           ${run.policyFile}`,
    `  tenant           ${run.tenantFile} (tenant id ${run.tenantId})`,
    `  tenant emulator  ${run.emulatorOrigin}: Entra's keys, the managed identity endpoint and Graph for that tenant`,
    `  local host       ${run.hostUrl}: the function, in its own process`,
    `  decision ledger  ${run.ledgerUrl} (Azurite)`,
    '',
    ...LEGEND,
    '',
    ...table([
      ['#', 'callout', 'answer', 'decision', 'expected'],
      ...run.callouts.map((r, i) => [String(i + 1), r.scenario.name, answer(r.status, r.outcome, r.received.length), decided(r.decision, r.findings), expectedCell(r)]),
    ]),
  );
  const mismatched = run.callouts.flatMap((r, i) => (r.ok ? [] : [`  ✗ #${String(i + 1)} ${r.scenario.name}: expected ${differences(r).join('; ') || 'something else'}`]));
  if (mismatched.length > 0) out.push('', 'Not what was expected:', ...mismatched);

  out.push(
    '',
    `PIM role activations (the emulator plays PIM and calls POST /api/pim; PIM_DEADLINE_MS ${String(run.pimDeadlineMs)}):`,
    '',
    ...table([
      ['#', 'activation', 'outcome', 'expected', 'ms'],
      ...run.activations.map((a, i) => [`P${String(i + 1)}`, a.name, a.outcome, a.ok ? a.expect.outcome : `✗ ${a.expect.outcome}`, String(Math.round(a.ms))]),
    ]),
    '',
    'First reason of each (PIM shows the reasons of a denial to the user):',
    ...run.activations.flatMap((a, i) => {
      const line = `  P${String(i + 1)}  ${a.reasons[0] ?? '-'}`;
      return a.ok ? [line] : [line, `      ✗ expected ${a.expect.outcome} with a first reason matching ${String(a.expect.reason)}`];
    }),
  );

  out.push('', verbose ? 'Resume bodies Graph received, in brief (in full below):' : 'Resume bodies Graph received, in brief (npm run demo -- --verbose prints them in full):');
  run.callouts.forEach((r, i) => {
    const tag = `#${String(i + 1)}`.padEnd(4);
    for (const body of r.received) out.push(`  ${tag} ${resumeBrief(body, REPORT_WIDTH - 7)}`);
  });
  if (verbose) {
    long.push('', 'Resume bodies Graph received, in full:');
    run.callouts.forEach((r, i) => {
      for (const body of r.received) long.push(`  #${String(i + 1)} ${JSON.stringify(body)}`);
    });
  }

  const states = new Map<string, number>();
  for (const entry of run.ledger) states.set(entry.state, (states.get(entry.state) ?? 0) + 1);
  out.push(
    '',
    `Decision ledger: ${String(run.ledger.length)} entries (${[...states].map(([state, count]) => `${String(count)} ${state}`).join(', ') || 'none'}), one per callout Entra waited for`,
    'and per activation answered; every resume and answer above is one of them.',
    '',
    ...decisionsBrief([...run.ledger].sort(byDecidedAt), '  ').split('\n').filter((line) => line !== ''),
  );
  if (!run.kept) out.push('', "The ledger lived in this run's Azurite, in memory: npm run demo -- --keep keeps it for npm run decisions.");

  const failed = [...run.callouts.filter((r) => !r.ok).map((r) => r.scenario.name), ...run.activations.filter((a) => !a.ok).map((a) => a.name)];
  if (verbose || failed.length > 0) long.push('', 'Local host output:', ...run.hostOutput);
  const summary =
    failed.length === 0
      ? `All ${String(run.callouts.length)} callouts and ${String(run.activations.length)} activations got their expected outcome.`
      : `${String(failed.length)} of ${String(run.callouts.length + run.activations.length)} callouts and activations did not get their expected outcome (✗ above).`;
  const lines = [...out.map((line) => clip(line, REPORT_WIDTH)), ...long, '', summary];
  return { text: lines.join('\n'), failed };
}

import { settleDecision, type Settled } from '../callout/settle-callout.js';
import { runCommand } from '../cli/run-command.js';
import { describeError, isAppError } from '../errors.js';
import type { GraphHttp } from '../graph/graph-http.js';
import { createResumer } from '../graph/resumer.js';
import type { DecisionLedger, LedgerEntry } from '../ledger/ledger.js';
import type { LedgerLocation } from '../ledger/ledger-url.js';
import { createMemoryLedger } from '../ledger/memory-ledger.js';
import { systemClock, type Clock } from '../ports.js';
import type { TenantSource } from '../tenant-source.js';
import { parseResumeArgs, RESUME_USAGE, type ResumeArgs } from './resume-args.js';
import { ResumeError } from './resume-error.js';
import { planResume, type ResumePlan } from './resume-plan.js';

export interface ResumeIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdin is a terminal a person can answer the prompt at. */
  readonly interactive: boolean;
  /** Asks `question` and resolves with the answer line (only called when interactive). */
  ask(question: string): Promise<string>;
}

/** A tenant to resume in: its Graph, who is signed in, and the decision ledger read with the same identity. */
export interface ResumeSource {
  readonly graph: GraphHttp;
  readonly graphOrigin: string;
  /** How the output names the tenant. */
  readonly label: string;
  /** The signed-in identity (a live tenant: from the token's claims); undefined for the emulator. */
  readonly operator: string | undefined;
  openLedger(location: LedgerLocation): DecisionLedger;
  close(): Promise<void>;
}

export interface ResumeCliOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Opens the tenant the arguments name; a failure to is a ResumeError (scripts/resume.ts). */
  readonly openSource: (source: TenantSource) => Promise<ResumeSource>;
  readonly clock?: Clock;
  /** Time one Graph attempt may take (default 10 s) and the reads, and the resume, may spend with retries (default 30 s). */
  readonly timeoutMs?: number;
  readonly budgetMs?: number;
}

const EMULATOR_OPERATOR = 'operator@emulator';

function allowDenyAtApproved(env: Readonly<Record<string, string | undefined>>): boolean {
  return ['true', '1', 'yes'].includes((env['ALLOW_DENY_AT_APPROVED_STAGE'] ?? '').trim().toLowerCase());
}

function ledgerNote(plan: ResumePlan): string | undefined {
  const { existing } = plan;
  if (existing === undefined) return undefined;
  const who = existing.decidedBy === 'operator' ? `operator ${existing.operator ?? '?'}` : existing.decidedBy;
  const held = `The ledger already holds a ${existing.decision} for this stage instance (decided by ${who} at ${existing.decidedAt}, ${existing.state})`;
  if (plan.bodyFrom === 'ours') return `${held}; --replace: yours is sent instead (Graph never received it).`;
  if (existing.state !== 'decided') return `${held}; Graph already received it: nothing will be sent again (the ledger wins over --decision ${plan.decision.kind}).`;
  return `${held}; that decision is sent again, not yours (--replace sends yours).`;
}

function planText(plan: ResumePlan, label: string, args: ResumeArgs): string {
  const { request, instance, shaped } = plan;
  const lines = [
    `Tenant: ${label}`,
    `Request ${request.id}: ${request.status ?? '?'} (state ${request.state ?? '?'})`,
    `Callout instance ${instance.id}: ${instance.status ?? '?'}${instance.customExtensionId === undefined ? '' : ` (custom extension ${instance.customExtensionId})`}`,
    `Stage: ${plan.stage} (from ${plan.stageFrom === 'state' ? 'the request state' : plan.stageFrom === 'ledger' ? 'the ledger' : '--stage'})`,
  ];
  const note = ledgerNote(plan);
  if (note !== undefined) lines.push(note);
  lines.push(`Decision: ${shaped.sent.kind}${shaped.sent.kind === plan.decision.kind || plan.bodyFrom === 'ledger' ? '' : ` (asked ${plan.decision.kind})`}; reason for the ledger: ${args.reason}`);
  lines.push(`POST ${shaped.request.apiVersion} ${shaped.request.target.path}`, JSON.stringify(shaped.request.body, null, 2));
  return `${lines.join('\n')}\n`;
}

function entryJson(entry: LedgerEntry | undefined): object | null {
  if (entry === undefined) return null;
  const { key, decision, detail, stage, stageInstanceId, decidedBy, operator, reason, state, decidedAt, sentAt, confirmedAt } = entry;
  return {
    key, decision, detail, stage, stageInstanceId, decidedBy, operator: operator ?? null, reason: reason ?? null, state, decidedAt, sentAt: sentAt ?? null, confirmedAt: confirmedAt ?? null,
    subject: entry.subject, history: entry.history ?? [],
  };
}

function planJson(plan: ResumePlan, label: string, ledger: DecisionLedger, args: ResumeArgs): Record<string, unknown> {
  return {
    tenant: label,
    request: { id: plan.request.id, state: plan.request.state ?? null, status: plan.request.status ?? null },
    calloutInstance: { id: plan.instance.id, status: plan.instance.status ?? null, customExtensionId: plan.instance.customExtensionId ?? null },
    stage: plan.stage,
    stageFrom: plan.stageFrom,
    ledger: { where: ledger.where, existing: entryJson(plan.existing), bodyFrom: plan.bodyFrom, note: ledgerNote(plan) ?? null },
    decision: { asked: plan.decision.kind, sent: plan.shaped.sent.kind, detail: plan.shaped.sent.detail, reason: args.reason },
    resume: { method: 'POST', apiVersion: plan.shaped.request.apiVersion, path: plan.shaped.request.target.path, body: plan.shaped.request.body },
    whatIf: args.whatIf,
  };
}

function outcomeText(settled: Settled, recorded: string | undefined): string {
  const resume = settled.resume;
  const lines = [`Outcome: ${settled.outcome}${settled.adopted ? ' (the ledger\'s decision)' : ''}`];
  if (resume !== undefined) {
    lines.push(`Graph: ${resume.note}${resume.graphStatus === undefined ? '' : ` (HTTP ${String(resume.graphStatus)}, ${String(resume.attempts)} attempt${resume.attempts === 1 ? '' : 's'})`}`);
    if (resume.refused !== undefined) lines.push(`Graph refused the deny (${String(resume.refused.graphStatus)} ${resume.refused.graphCode}); sent instead:`, JSON.stringify(resume.body, null, 2));
    if (resume.confirmation !== undefined) {
      const c = resume.confirmation;
      lines.push(`Read back: ${c.verdict}: ${c.reason} (request ${c.requestStatus ?? '?'}, instance ${c.calloutStatus ?? '?'}${c.calloutDetail === undefined ? '' : `, detail "${c.calloutDetail}"`})`);
    }
    const sentNow = resume.attempts > 0 && resume.sent;
    lines.push(`Sent by this run and received by Graph: ${sentNow ? 'yes' : 'no'}`);
  }
  const e = settled.entry;
  if (e !== undefined) lines.push(`Ledger: ${e.decision} ${e.state}, decided by ${e.decidedBy}${e.operator === undefined ? '' : ` ${e.operator}`}${e.reason === undefined ? '' : ` ("${e.reason}")`} at ${e.decidedAt}`);
  for (const note of e?.history ?? []) {
    const what = note.replaced === undefined ? 'sent by hand' : `replaced its ${note.replaced.decision} (decided by ${note.replaced.decidedBy} at ${note.replaced.decidedAt})`;
    lines.push(`  ${note.at}: ${note.operator ?? 'an operator'} ${what}${note.reason === undefined ? '' : ` ("${note.reason}")`}`);
  }
  if (recorded !== undefined) lines.push(recorded);
  return `${lines.join('\n')}\n`;
}

async function confirmed(args: ResumeArgs, io: ResumeIo): Promise<boolean> {
  if (args.yes) return true;
  if (!io.interactive) throw new ResumeError(2, 'not sent: stdin is not a terminal; pass --yes to send this resume');
  const answer = await io.ask('Send this resume? [y/N] ');
  return ['y', 'yes'].includes(answer.trim().toLowerCase());
}

/** Graph's or the ledger's failure as one line and an exit code: what the operator asked for (2), or what failed (1). */
function failure(error: unknown): ResumeError | undefined {
  if (error instanceof ResumeError) return error;
  if (!isAppError(error)) return undefined;
  if (error.code === 'CALLOUT.ALREADY_DECIDED' || error.code === 'CALLOUT.STAGE_MISMATCH') return new ResumeError(2, `not resumed: ${error.message}`, { cause: error });
  return new ResumeError(1, `not resumed: ${error.message}`, { cause: error });
}

async function run(args: ResumeArgs, source: ResumeSource, io: ResumeIo, options: ResumeCliOptions): Promise<number> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const budgetMs = options.budgetMs ?? 30_000;
  const operator = source.operator ?? args.operator ?? EMULATOR_OPERATOR;
  const ledger = args.ledger === undefined ? createMemoryLedger() : source.openLedger(args.ledger.location);
  const allowDenyAtApprovedStage = allowDenyAtApproved(options.env);
  const plan = await planResume(args, { http: source.graph, graphOrigin: source.graphOrigin, clock, timeoutMs, budgetMs, ledger, allowDenyAtApprovedStage });
  const json = planJson(plan, source.label, ledger, args);
  // The exact body goes out before anything is sent; with --json, on stderr, so stdout stays one document.
  const shown = planText(plan, source.label, args);
  if (args.json) io.err(shown);
  else io.out(shown);
  if (args.whatIf) {
    if (args.json) io.out(`${JSON.stringify(json, null, 2)}\n`);
    else io.out('--what-if: nothing sent, nothing written.\n');
    return 0;
  }
  if (!(await confirmed(args, io))) {
    io.err('resume: not confirmed; nothing sent.\n');
    return 1;
  }
  const decider = { by: 'operator' as const, callerAppId: undefined, operator, reason: args.reason };
  const resumer = createResumer(source.graph, { clock, timeoutMs });
  const settled = await settleDecision(plan.callout, plan.decision, { config: { graphBudgetMs: budgetMs, allowDenyAtApprovedStage }, resumer, clock, ledger }, decider, args.replace);
  let recorded: string | undefined;
  try {
    await settled.recording;
  } catch (error) {
    recorded = `The ledger entry's new state could not be written (${describeError(error).split('\n')[0]?.slice(0, 200) ?? ''}); the next reader confirms it again.`;
  }
  const code = settled.outcome === 'not-waiting' ? 1 : 0;
  if (args.json) {
    io.out(`${JSON.stringify({ ...json, outcome: settled.outcome, adopted: settled.adopted, graph: settled.resume ?? null, entry: entryJson(settled.entry), recorded: recorded ?? null }, null, 2)}\n`);
  } else {
    io.out(outcomeText(settled, recorded));
  }
  return code;
}

/**
 * `npm run resume`: the command line → one assignment request resumed by hand, through the
 * ledger. Returns the exit code: 0 resumed (or already), or planned with --what-if; 1 Graph, the
 * ledger or the credential failed, Graph refused, nothing waits any more, or the prompt was
 * declined; 2 bad arguments and every refusal of what was asked.
 */
export function resumeCli(argv: readonly string[], io: ResumeIo, options: ResumeCliOptions): Promise<number> {
  return runCommand('resume', RESUME_USAGE, parseResumeArgs(argv, options.env), io, (args) => resume(args, io, options));
}

async function resume(args: ResumeArgs, io: ResumeIo, options: ResumeCliOptions): Promise<number> {
  try {
    const source = await options.openSource(args.source);
    try {
      return await run(args, source, io, options);
    } finally {
      await source.close();
    }
  } catch (error) {
    const known = failure(error);
    if (known === undefined) throw error;
    io.err(`resume: ${known.message.split('\n')[0] ?? known.message}\n`);
    return known.exitCode;
  }
}

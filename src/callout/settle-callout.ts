import type { Config } from '../config.js';
import { AppError, isAppError } from '../errors.js';
import { decideWithoutChecks, type Decision } from '../decision/decision.js';
import { clampDetail, elmResume, flaggedInstead, lcwResume, type ShapedResume } from '../decision/resume-request.js';
import type { PolicyEngine, PolicyEvaluation } from '../engine/policy-engine.js';
import { Deadline } from '../graph/retry.js';
import type { ResumeOutcome, Resumer } from '../graph/resumer.js';
import type { DecisionLedger, LedgerEntry } from '../ledger/ledger.js';
import type { Clock } from '../ports.js';
import type { Outcome, ResumeSummary } from './decision-record.js';
import { claimEntry, entryOf, keyOf, readEntry, releaseEntry, replaceDecidedEntry, resumeOf, withNote, type Decider, type ResumableCallout } from './ledger-entries.js';
import type { CalloutRequest } from './model.js';

export interface Settled {
  readonly outcome: Outcome;
  readonly decision: Decision;
  readonly evaluation: PolicyEvaluation | undefined;
  readonly resume: ResumeSummary | undefined;
  readonly resumeMs: number;
  /** The ledger entry this settling carried out, as it stands after the resume. */
  readonly entry: LedgerEntry | undefined;
  /** Whether the entry was another delivery's (or an operator's): this one did not decide. */
  readonly adopted: boolean;
  /** The entry's state written after the resume, off the answer's path (the next reader re-confirms if it is lost). */
  readonly recording: Promise<void> | undefined;
}

export interface SettleServices {
  readonly config: Config;
  readonly engine: PolicyEngine;
  readonly resumer: Resumer;
  readonly clock: Clock;
  readonly ledger: DecisionLedger;
}

/** What carrying out a decision made elsewhere needs: no policy engine, and of the config only the budget and the deny setting. */
export type DecisionServices = Omit<SettleServices, 'engine' | 'config'> & { readonly config: Pick<Config, 'graphBudgetMs' | 'allowDenyAtApprovedStage'> };

function shape(callout: ResumableCallout, decision: Decision, config: Pick<Config, 'allowDenyAtApprovedStage'>): ShapedResume {
  return callout.kind === 'elm-request'
    ? elmResume(callout, callout.resume, decision, config.allowDenyAtApprovedStage)
    : lcwResume(callout, callout.resume, decision);
}

const resumable = (callout: CalloutRequest): callout is ResumableCallout =>
  (callout.kind === 'elm-request' || callout.kind === 'lcw-task') && callout.resume !== null;

/**
 * Decides a parsed callout and carries the decision out. A callout Entra waits for is looked up
 * in the ledger alongside the fact reads: an entry found before the evaluation ends is carried
 * out as it is, and the evaluation is dropped; otherwise the decision is written
 * insert-if-absent before the resume, and if another delivery wrote first, its entry is carried
 * out instead. Either way Graph only ever receives the ledger's body. The callout's Graph budget is shared: the round of fact reads may use half
 * of it, so the resume always keeps at least the other half.
 */
export async function settleCallout(callout: CalloutRequest, services: SettleServices, decider: Decider): Promise<Settled> {
  const none = { entry: undefined, adopted: false, recording: undefined } as const;
  if (callout.kind === 'connection-test') {
    return { outcome: 'connection-test', decision: decideWithoutChecks(callout), evaluation: undefined, resume: undefined, resumeMs: 0, ...none };
  }
  const { clock, config, ledger } = services;
  const deadline = Deadline.after(clock, config.graphBudgetMs);
  if (!resumable(callout)) {
    const evaluation = await services.engine.evaluate(callout, Deadline.after(clock, config.graphBudgetMs / 2));
    const outcome = callout.kind === 'elm-assignment' ? 'not-resumable' : 'launch-and-continue';
    return { outcome, decision: evaluation.decision, evaluation, resume: undefined, resumeMs: 0, ...none };
  }
  const evaluating = services.engine.evaluate(callout, Deadline.after(clock, config.graphBudgetMs / 2));
  // Both settled here, so that the one made moot never surfaces as unhandled.
  const evaluated = evaluating.then((evaluation) => ({ evaluation }), (error: unknown) => ({ error }));
  // An evaluation that needs no fact read is over before any I/O: it goes straight to the claim.
  const immediate = await Promise.race([evaluated, new Promise<undefined>((resolve) => { setImmediate(() => { resolve(undefined); }); })]);
  if (immediate !== undefined && 'evaluation' in immediate) return claimAndCarryOut(callout, immediate.evaluation, decider, deadline, services);
  const reading = readEntry(ledger, keyOf(callout)).then((entry) => ({ entry }), (error: unknown) => ({ error }));
  const first = await Promise.race([reading, evaluated]);
  if ('entry' in first && first.entry !== undefined) return carryOut(first.entry, true, undefined, callout, deadline, services);
  const result = await evaluated;
  if ('error' in result) {
    // A decision recorded by another delivery still stands when this one could not evaluate.
    const read = await reading;
    if ('entry' in read && read.entry !== undefined) return carryOut(read.entry, true, undefined, callout, deadline, services);
    throw result.error;
  }
  // The claim does not wait for the lookup: an insert-if-absent finds an earlier entry by itself,
  // so a decision made before the lookup answers costs one ledger round trip, not two.
  return claimAndCarryOut(callout, result.evaluation, decider, deadline, services);
}

async function claimAndCarryOut(callout: ResumableCallout, evaluation: PolicyEvaluation, decider: Decider, deadline: Deadline, services: SettleServices): Promise<Settled> {
  const shaped = shape(callout, evaluation.decision, services.config);
  const claim = await claimEntry(services.ledger, entryOf(callout, shaped, evaluation, decider, new Date()));
  return carryOut(claim.entry, !claim.won, claim.won ? evaluation : undefined, callout, deadline, services);
}

/**
 * A decision made elsewhere (an operator's, `npm run resume`), recorded and carried out through
 * the same ledger rules as a callout's: written insert-if-absent before the resume; when the
 * ledger already holds a decision for the callout, that one is carried out instead (`adopted`),
 * unless `replace` asks for ours and the entry never reached Graph (state decided). Replacing a
 * decision Graph already received is refused: it cannot be undone.
 */
export async function settleDecision(callout: ResumableCallout, decision: Decision, services: DecisionServices, decider: Decider, replace: boolean): Promise<Settled> {
  const { clock, config, ledger } = services;
  const deadline = Deadline.after(clock, config.graphBudgetMs);
  const entry = entryOf(callout, shape(callout, decision, config), undefined, decider, new Date());
  const claim = await claimEntry(ledger, entry);
  if (claim.won) return carryOut(claim.entry, false, undefined, callout, deadline, services);
  if (!replace) {
    // The entry's own decision, sent by hand: the entry notes who sent it and why (written with its new state).
    const resent = claim.entry.state === 'decided' && decider.by === 'operator' ? withNote(claim.entry, 'resent', decider) : claim.entry;
    return carryOut(resent, true, undefined, callout, deadline, services);
  }
  if (claim.entry.state !== 'decided') {
    throw new AppError('CALLOUT.ALREADY_DECIDED', `Graph already received the ledger's ${claim.entry.decision} for this callout (${claim.entry.state}); it cannot be replaced.`, { details: { decision: claim.entry.decision, state: claim.entry.state } });
  }
  // The decision replaced stays in the entry's history: an auditor sees the policy's decision and the operator's.
  const replacing = withNote(entry, 'replaced', decider, claim.entry);
  if (!(await replaceDecidedEntry(ledger, replacing, claim.entry))) {
    throw new AppError('CALLOUT.ALREADY_DECIDED', 'The ledger entry changed while it was being replaced (another instance sent or replaced it); nothing was sent. Read it again.', { details: { decision: claim.entry.decision } });
  }
  return carryOut(replacing, false, undefined, callout, deadline, services);
}

/** The entry's state once Graph answered: accepted (sent), or shown by a read-back (confirmed). */
function advanced(entry: LedgerEntry, result: ResumeOutcome, sent: ShapedResume, refused: ResumeSummary['refused']): LedgerEntry | undefined {
  const at = new Date().toISOString();
  const body = refused === undefined ? {} : { decision: sent.sent.kind, detail: sent.sent.detail, resume: { ...entry.resume, body: sent.request.body }, refusedBody: refused.body };
  if (result.confirmation !== undefined && result.outcome !== 'not-waiting') return { ...entry, ...body, state: 'confirmed', sentAt: entry.sentAt ?? at, confirmedAt: at };
  if (result.outcome === 'resumed') return { ...entry, ...body, state: 'sent', sentAt: at };
  return undefined;
}

/**
 * Starts `write` once the work already queued is done: the ledger's state after a resume is
 * written off the answer's path, and its client's own work (serializing, signing, sending) then
 * does not delay the answer either.
 */
function afterAnswer(write: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    setImmediate(resolve);
  }).then(write);
}

async function carryOut(entry: LedgerEntry, adopted: boolean, evaluation: PolicyEvaluation | undefined, callout: ResumableCallout, deadline: Deadline, services: DecisionServices): Promise<Settled> {
  const { clock, ledger } = services;
  const shaped = resumeOf(entry, callout);
  const base = { adopted, evaluation, decision: shaped.sent };
  if (entry.state !== 'decided') {
    // Graph accepted this body (sent) or a read-back showed it holds it (confirmed): nothing is sent again.
    const how = entry.state === 'sent' ? `accepted it at ${entry.sentAt ?? '?'}` : `holds it (confirmed at ${entry.confirmedAt ?? '?'})`;
    const resume: ResumeSummary = {
      apiVersion: shaped.request.apiVersion, path: entry.resume.path, body: entry.resume.body, sent: true, graphStatus: undefined, attempts: 0, confirmation: undefined,
      note: `The ledger says Graph ${how}; nothing was sent again.`,
    };
    return { ...base, outcome: 'already-resumed', resume, resumeMs: 0, entry, recording: undefined };
  }
  const started = clock.now();
  const { sent, request, result, refused } = await resumeOrRelease(entry, callout, shaped, deadline, services);
  // With a durable ledger every delivery sends the entry's body and nothing else, so a callout
  // found answered was answered with it; without one, another instance may have sent another body.
  const stored = result.confirmation?.calloutDetail;
  // When Graph shows the detail it stored, that decides; a different one was another body (an operator's replacement raced).
  const storedOurs = stored === undefined ? ledger.durable : stored === clampDetail(sent.detail);
  const ours = result.outcome === 'resumed' || (result.outcome === 'already-resumed' && storedOurs);
  const next = advanced(entry, result, { sent, request }, refused);
  return {
    ...base,
    outcome: result.outcome,
    decision: sent,
    resumeMs: clock.now() - started,
    entry: next ?? entry,
    recording: next === undefined ? undefined : afterAnswer(() => ledger.update(next)),
    resume: {
      apiVersion: request.apiVersion,
      path: request.target.path,
      body: request.body,
      sent: ours,
      graphStatus: result.graphStatus,
      attempts: result.attempts,
      confirmation: result.confirmation,
      note: ours || result.outcome === 'not-waiting' ? result.note : `${result.note} The body above was not sent by this delivery${stored === undefined ? '' : `; Graph stored the detail "${stored}"`}.`,
      ...(refused === undefined ? {} : { refused }),
    },
  };
}

/**
 * Sends the entry's resume. When Graph refuses it while the request still waits for this callout
 * (GRAPH.REJECTED, or a stage the request is not at), the body never reached Graph: the entry is
 * released, so that it does not turn every later delivery (an honest one after a lying one) into
 * the same refusal; the refusal itself is the callout's answer and log event.
 */
async function resumeOrRelease(entry: LedgerEntry, callout: ResumableCallout, shaped: ShapedResume, deadline: Deadline, services: DecisionServices) {
  try {
    return await resumeOrFlag(callout, shaped, deadline, services);
  } catch (error) {
    if (isAppError(error) && (error.code === 'GRAPH.REJECTED' || error.code === 'CALLOUT.STAGE_MISMATCH')) await releaseEntry(services.ledger, entry.key);
    throw error;
  }
}

/**
 * Sends the resume. Sources disagree whether `assignmentRequestApproved` may deny (docs/protocol.md
 * §5): with ALLOW_DENY_AT_APPROVED_STAGE a deny is tried there, and when Graph refuses it while
 * the request still waits, the request is not stranded until it expires: it is resumed with
 * continue and the finding in the detail, and the record keeps both (the refused body in `refused`).
 */
async function resumeOrFlag(callout: ResumableCallout, shaped: ShapedResume, deadline: Deadline, services: DecisionServices) {
  try {
    return { sent: shaped.sent, request: shaped.request, result: await services.resumer.resume(shaped.request, deadline), refused: undefined };
  } catch (error) {
    const denyAtApproved = callout.kind === 'elm-request' && callout.stage === 'assignmentRequestApproved' && shaped.sent.kind === 'deny';
    // A refusal of this stage's deny may also read back as a stage mismatch (the request's state is our inference): either way, continue.
    const refusedHere = isAppError(error) && (error.code === 'GRAPH.REJECTED' || error.code === 'CALLOUT.STAGE_MISMATCH');
    if (!denyAtApproved || !refusedHere) throw error;
    const graphStatus = Number(error.details['graphStatus']);
    const graphCode = String(error.details['graphCode']);
    const retry = elmResume(callout, callout.resume, flaggedInstead(shaped.sent, `Graph refused a deny at ${callout.stage}: ${String(graphStatus)} ${graphCode}`), false);
    const result = await services.resumer.resume(retry.request, deadline);
    return { sent: retry.sent, request: retry.request, result, refused: { body: shaped.request.body, graphStatus, graphCode } };
  }
}

import { describeError } from '../errors.js';
import { renderMessage, type CheckedCallout, type MessageData, type Severity } from '../checks/define-check.js';
import type { FactFailure } from '../facts/gather-facts.js';
import type { FactName, FactSet } from '../facts/fact-types.js';
import type { Action, ConfiguredCheck, FailMode, Mode } from '../policy/policy-types.js';

/**
 * One finding: a check's report with its message rendered, or an error finding for a check that
 * could not run. `action` is what the policy makes of it (a violation takes the entry's action;
 * an error takes its fail mode: deny, or flag for continue); `enforced` is false in audit mode.
 */
export interface Finding {
  /** The check's id; `policy` for the engine's own notices (policy-notices.ts). */
  readonly checkId: string;
  /** The scope whose entry ran the check; for an engine notice, the scopes it concerns, comma-separated. */
  readonly scope: string;
  /** violation: decides by its action; error: the check could not run; notice: recorded, decides nothing. */
  readonly kind: 'violation' | 'error' | 'notice';
  readonly messageId: string;
  readonly message: string;
  readonly data: MessageData;
  readonly severity: Severity;
  readonly action: Action;
  readonly enforced: boolean;
  readonly evidence?: Readonly<Record<string, unknown>>;
  /** A notice that keeps a PIM activation from being AutoApproved (see Report). */
  readonly withholdsAutoApproval?: boolean;
}

export interface CheckRun {
  readonly id: string;
  readonly scope: string;
  readonly action: Action;
  readonly mode: Mode;
  readonly failMode: FailMode;
  readonly status: 'passed' | 'failed' | 'error' | 'skipped';
  readonly findings: readonly Finding[];
  readonly ms: number;
  /** Set for status error: the facts that did not load (with why), or the check's own failure. */
  readonly error?: { readonly facts?: readonly { readonly fact: FactName; readonly failure: FactFailure }[]; readonly thrown?: string };
}

const ERROR_MESSAGES = {
  factUnavailable: 'Could not run: {{fact}} could not be read ({{reason}}).',
  checkFailed: 'Could not run: the check failed ({{error}}).',
} as const;

function errorFinding(run: ConfiguredCheck, messageId: keyof typeof ERROR_MESSAGES, data: MessageData): Finding {
  return {
    checkId: run.check.id,
    scope: run.scope,
    kind: 'error',
    messageId,
    message: renderMessage(ERROR_MESSAGES[messageId], data),
    data,
    severity: run.severity ?? run.check.severity,
    action: run.failMode === 'deny' ? 'deny' : 'flag',
    enforced: run.mode === 'enforce',
  };
}

function reasonOf(failure: FactFailure): string {
  if (failure.kind === 'forbidden') return `permission ${failure.permission ?? 'unknown'} missing`;
  if (failure.kind === 'transient') return 'Graph unavailable';
  if (failure.kind === 'late') return 'not back from Graph before the deadline';
  return failure.kind;
}

/** Runs one configured check: never throws; a missing fact or a throw becomes an error finding. */
export function runCheck(run: ConfiguredCheck, callout: CheckedCallout, facts: FactSet, failures: ReadonlyMap<FactName, FactFailure>): CheckRun {
  const started = performance.now();
  const base = { id: run.check.id, scope: run.scope, action: run.action, mode: run.mode, failMode: run.failMode };
  const ms = () => Math.round((performance.now() - started) * 100) / 100;
  const missing = run.needs.flatMap((fact) => {
    const failure = failures.get(fact);
    return failure === undefined ? [] : [{ fact, failure }];
  });
  const first = missing[0];
  if (first !== undefined) {
    const data = { fact: first.fact, reason: reasonOf(first.failure), ...(first.failure.permission ? { permission: first.failure.permission } : {}) };
    return { ...base, status: 'error', findings: [errorFinding(run, 'factUnavailable', data)], ms: ms(), error: { facts: missing } };
  }
  try {
    const reports = run.check.evaluate(callout, facts, run.options, run.settings);
    const findings = reports.map((report): Finding => {
      const data = report.data ?? {};
      const template = run.check.messages[report.messageId];
      return {
        checkId: run.check.id,
        scope: run.scope,
        kind: report.notice === true ? 'notice' : 'violation',
        messageId: report.messageId,
        message: template === undefined ? report.messageId : renderMessage(template, data),
        data,
        severity: run.severity ?? report.severity ?? run.check.severity,
        action: report.action === 'flag' ? 'flag' : run.action,
        enforced: run.mode === 'enforce',
        ...(report.evidence === undefined ? {} : { evidence: report.evidence }),
        ...(report.withholdsAutoApproval === true ? { withholdsAutoApproval: true } : {}),
      };
    });
    return { ...base, status: findings.some((f) => f.kind !== 'notice') ? 'failed' : 'passed', findings, ms: ms() };
  } catch (error) {
    const thrown = describeError(error).slice(0, 200);
    return { ...base, status: 'error', findings: [errorFinding(run, 'checkFailed', { error: thrown })], ms: ms(), error: { thrown } };
  }
}

export function skippedRun(run: ConfiguredCheck): CheckRun {
  return { id: run.check.id, scope: run.scope, action: run.action, mode: run.mode, failMode: run.failMode, status: 'skipped', findings: [], ms: 0 };
}

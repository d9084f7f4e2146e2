import type { ApprovalStage, SubjectSet } from '../decision/approval-stage.js';
import type { ApproverRecord } from '../engine/policy-engine.js';
import { checkLines, factLines, findingLines, indent, named, sourceText } from './format-parts.js';
import type { WhatIfResult } from './run-what-if.js';
import { policyText, type WhatIfContext } from './what-if-context.js';

/** The verdict line: what the stage would answer, and why a deny did not stay one. */
export function verdictLine(result: WhatIfResult): string {
  const { answer, callout, evaluation } = result;
  const stage = callout.stage;
  if (answer.decision === 'deny') return `Would be DENIED at ${stage}.`;
  if (answer.decision === 'approval-stage') return `Would SET AN APPROVAL STAGE at ${stage}.`;
  if (answer.policyDecision === 'deny') return `Would CONTINUE at ${stage}, FLAGGED: the policy denies, but ${stage} cannot deny.`;
  const findings = evaluation.checks.flatMap((run) => run.findings).filter((f) => f.kind !== 'notice');
  if (findings.some((f) => f.enforced)) return `Would CONTINUE at ${stage}, FLAGGED.`;
  if (findings.length > 0) return `Would CONTINUE at ${stage} (audit mode: the findings are recorded, not enforced).`;
  return `Would CONTINUE at ${stage}.`;
}

function subjectText(set: SubjectSet): string {
  switch (set['@odata.type']) {
    case '#microsoft.graph.singleUser':
      return `${set.description ?? 'user'} (user ${set.userId})`;
    case '#microsoft.graph.groupMembers':
      return `${set.description ?? 'group'} (group ${set.groupId})`;
    case '#microsoft.graph.requestorManager':
      return `the requestor's manager, level ${set.managerLevel}`;
    case '#microsoft.graph.internalSponsors':
      return 'internal sponsors';
    case '#microsoft.graph.externalSponsors':
      return 'external sponsors';
  }
}

const sets = (list: readonly SubjectSet[]): string => (list.length === 0 ? 'none' : list.map(subjectText).join(', '));

/** The approval stage the resume would set, and where its approvers came from. */
function approverLines(record: ApproverRecord, stage: ApprovalStage): string[] {
  const where = record.scope === undefined ? 'no scope names approvers' : `scope ${record.scope}`;
  const sources = record.sources.map((s) => `${s.source} ${s.count}${s.note === undefined ? '' : ` (${s.note})`}`);
  const escalation = stage.isEscalationEnabled ? `after ${stage.durationBeforeEscalation ?? '?'}: ${sets(stage.escalationApprovers)}; fallback ${sets(stage.fallbackEscalationApprovers)}` : 'none';
  return [
    `Approval stage (${where}, ${record.outcome}${sources.length === 0 ? '' : `; sources: ${sources.join(', ')}`}):`,
    `  approvers: ${sets(stage.primaryApprovers)}; fallback ${sets(stage.fallbackPrimaryApprovers)}`,
    `  escalation: ${escalation}`,
    `  denied automatically after ${stage.durationBeforeAutomaticDenial}; approvers ${stage.isApproverJustificationRequired ? 'must' : 'need not'} justify`,
  ];
}

/** The what-if for a person: the verdict, the text approvers would see, each check and finding, and the reads behind them. */
export function formatHuman(result: WhatIfResult, context: WhatIfContext): string {
  const { user, accessPackage, callout, evaluation, requestChecks, answer } = result;
  const source = sourceText(context.source);
  const catalog = `${named(accessPackage.catalog.displayName, accessPackage.catalog.id)}${accessPackage.catalogFrom === 'argument' ? ' (from --catalog)' : ''}`;
  const lines = [
    `What if ${named(user.displayName, user.id)} requested ${named(accessPackage.displayName, accessPackage.id)}?`,
    `  catalog ${catalog}; stage ${callout.stage}; request type ${callout.requestType ?? 'none'}${callout.assignmentPolicy?.id === undefined ? '' : `; assignment policy ${callout.assignmentPolicy.id}`}`,
    `  policy ${policyText(context)}${evaluation.policy.version}, ${evaluation.policy.mode}); read from ${source}`,
    `  made-up request ${callout.requestId}`,
    '',
    verdictLine(result),
    'Detail approvers would see:',
    `  ${answer.detail}`,
  ];
  const decision = evaluation.decision;
  if (evaluation.approvers !== undefined && decision.kind === 'approval-stage') lines.push(...approverLines(evaluation.approvers, decision.approvalStage));
  const scopes = evaluation.policy.scopes.length === 0 ? 'no scope matches' : `scopes ${evaluation.policy.scopes.join(', ')}`;
  lines.push('', `Checks (${scopes}):`);
  lines.push(...(evaluation.checks.length === 0 ? ['  none'] : indent(evaluation.checks.flatMap(checkLines), '  ')));
  if (evaluation.policy.notices.length > 0) lines.push('Noted by the policy:', ...indent(evaluation.policy.notices.flatMap(findingLines), '  '));
  if (requestChecks.checks.length > 0) {
    lines.push('', `Not counted (they read the request itself): ${requestChecks.checks.map((run) => run.id).join(', ')}`);
    lines.push(...indent(requestChecks.checks.flatMap(checkLines), '  '));
    lines.push(`  A what-if makes no request, so the read of request ${callout.requestId} finds nothing; a real request passes or fails these on its own justification and schedule.`);
  }
  lines.push('', 'Facts (Graph reads):');
  const facts = [...evaluation.facts, ...requestChecks.facts.filter((f) => !evaluation.facts.some((e) => e.fact === f.fact))];
  lines.push(...(facts.length === 0 ? ['  none needed'] : indent(factLines(facts), '  ')));
  return `${lines.join('\n')}\n`;
}

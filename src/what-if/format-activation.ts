import type { PimTarget } from '../pim/activation.js';
import type { EvaluationOutcome } from '../pim/pim-answer.js';
import type { PimResourceType } from '../policy/policy-types.js';
import { MODEL_NAME } from './build-activation.js';
import { checkLines, factLines, findingLines, indent, named, sourceText } from './format-parts.js';
import type { ActivationResult } from './run-activation.js';
import { policyText, type WhatIfContext } from './what-if-context.js';

/** The resource type a policy scope selects the activation by, and what PIM calls it. */
export const RESOURCE_TYPE: Readonly<Record<PimTarget['kind'], { readonly key: PimResourceType; readonly name: string }>> = {
  group: { key: 'entraGroups', name: 'PIM for Groups' },
  'directory-role': { key: 'entraRoles', name: 'Microsoft Entra roles' },
  'azure-role': { key: 'azureResources', name: 'Azure resources' },
};

/** What is being activated, in a few words. */
export function targetText(target: PimTarget): string {
  switch (target.kind) {
    case 'group':
      return `${target.access === 'owner' ? 'ownership' : 'membership'} of group ${target.groupId}`;
    case 'directory-role':
      return `directory role ${target.roleDefinitionId} at ${target.directoryScopeId}`;
    case 'azure-role':
      return `Azure role ${target.roleDefinitionGuid} at ${target.scope}`;
  }
}

/** The outcome line: what PIM would get, and what that means for the activation. */
export function outcomeLine(outcome: EvaluationOutcome, autoApprove: readonly string[]): string {
  switch (outcome) {
    case 'Denied':
      return 'PIM would get: Denied (the activation is refused; PIM shows the user the reasons).';
    case 'Approved':
      return "PIM would get: Approved (the activation goes on; PIM's own approval follows where the role's settings require one).";
    case 'AutoApproved':
      return `PIM would get: AutoApproved (by ${autoApprove.join(', ')}: the activation goes on without approval).`;
  }
}

/** The PIM what-if for a person: what is activated, what PIM would get and why, each check and finding, and the reads behind them. */
export function formatActivation(result: ActivationResult, context: WhatIfContext): string {
  const { user, activation, evaluation, answer } = result;
  const { target, schedule, ticket, justification } = activation;
  const type = RESOURCE_TYPE[target.kind];
  const request = activation.requestId === undefined ? 'no request id' : `made-up request ${activation.requestId}`;
  const ticketText = ticket === undefined ? 'none' : [ticket.system, ticket.number].filter((t) => t !== undefined).join(' ');
  const lines = [
    `What if ${named(user.displayName, user.id)} activated ${targetText(target)}?`,
    `  ${type.name} (${type.key}): ${MODEL_NAME[target.kind]}, ${activation.action ?? 'no action'}, ${request}`,
    ...(target.kind === 'azure-role' ? [`  role definition ${target.roleDefinitionId}`] : []),
    `  starts ${schedule?.startDateTime ?? 'now'} (${result.startFrom === 'now' ? 'now' : 'from --start'}), lasts ${schedule?.duration ?? '?'}`,
    `  justification ${justification === undefined ? 'none' : JSON.stringify(justification)}; ticket ${ticketText}`,
    `  policy ${policyText(context)}${evaluation.policy.version}, ${evaluation.policy.mode}); read from ${sourceText(context.source)}`,
    '',
    outcomeLine(answer.evaluationOutcome, evaluation.policy.autoApprove ?? []),
    'Reasons PIM would receive:',
    ...indent(answer.reason, '  '),
    `Evaluation id ${answer.evaluationId} (${activation.requestId === undefined ? 'derived from the activation: the Azure model carries no id' : "the schedule request's id"})`,
  ];
  const scopes = evaluation.policy.scopes.length === 0 ? 'no scope matches' : `scopes ${evaluation.policy.scopes.join(', ')}`;
  lines.push('', `Checks (${scopes}):`);
  lines.push(...(evaluation.checks.length === 0 ? ['  none'] : indent(evaluation.checks.flatMap(checkLines), '  ')));
  if (evaluation.policy.notices.length > 0) lines.push('Noted by the policy:', ...indent(evaluation.policy.notices.flatMap(findingLines), '  '));
  lines.push('', 'Facts (Graph reads):');
  lines.push(...(evaluation.facts.length === 0 ? ['  none needed'] : indent(factLines(evaluation.facts), '  ')));
  return `${lines.join('\n')}\n`;
}

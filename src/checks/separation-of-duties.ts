import type { FactName } from '../facts/fact-types.js';
import { isRemoval } from '../request-types.js';
import { conflictEvidence, exemptionText, sidesText } from '../sod/describe-conflict.js';
import { findConflicts } from '../sod/find-conflicts.js';
import { targetOf } from '../facts/read-support.js';
import type { PimActivation } from '../pim/activation.js';
import { Held } from '../sod/held.js';
import { collectHoldings, type UserHoldings } from '../sod/holdings.js';
import { compileRuleSet } from '../sod/rule-set.js';
import { separationOfDutiesSchema } from '../sod/rule-schema.js';
import type { RuleSet } from '../sod/sod-model.js';
import { defineCheck, type Report } from './define-check.js';

interface Options {
  /** Rule ids to enforce; empty: every rule of the policy. */
  readonly rules: readonly string[];
  readonly existingConflicts: 'report' | 'fail';
  readonly pendingRequests: boolean;
}

const DEFAULTS: Options = { rules: [], existingConflicts: 'report', pendingRequests: true };

const ALWAYS: readonly FactName[] = ['targetPackageAssignments', 'requestedPackage', 'targetGroups', 'targetDirectGroups', 'targetActiveRoles', 'targetEligibleRoles', 'targetAppRoles'];

/** The rule indexes the options select, computed once per options object (options are loaded once). */
const selected = new WeakMap<Options, ReadonlySet<number> | undefined>();
function onlyRules(options: Options, ruleSet: RuleSet): ReadonlySet<number> | undefined {
  if (!selected.has(options)) selected.set(options, options.rules.length === 0 ? undefined : new Set(options.rules.flatMap((id) => ruleSet.byId.get(id) ?? [])));
  return selected.get(options);
}

/**
 * What a PIM activation brings: the group (membership or ownership: an owner can make themselves
 * a member), the directory role, or the Azure resource role (by its definition's GUID, at any
 * scope) being activated.
 */
function activatedHolding(activation: PimActivation): Held {
  const { target } = activation;
  if (target.kind === 'group') return new Held('group', target.groupId, undefined, { via: 'pimActivation', access: target.access });
  if (target.kind === 'directory-role') return new Held('directoryRole', target.roleDefinitionId, undefined, { via: 'pimActivation', directoryScopeId: target.directoryScopeId });
  return new Held('azureRole', target.roleDefinitionGuid, undefined, { via: 'pimActivation', scope: target.scope });
}

type MessageId = 'newConflict' | 'extendedConflict' | 'existingConflict' | 'exempt';

export default defineCheck({
  id: 'separation-of-duties',
  description: 'Fails when the request, or the PIM activation, would leave the user holding entitlements on two sides of a separation-of-duties rule: access packages (held or pending), groups, directory roles (active or eligible), app roles; the group or role being activated counts as held.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      rules: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1, description: 'A rule id.' }, description: 'Ids of the separationOfDuties rules to enforce here; empty: every rule.' },
      existingConflicts: { enum: ['report', 'fail'], description: 'A conflict the user already had and the request does not touch: report it (the check passes) or fail.' },
      pendingRequests: { type: 'boolean', description: 'Whether the user\'s pending requests count as held (so two concurrent requests for two sides are caught).' },
    },
  },
  defaultOptions: DEFAULTS,
  settings: { key: 'separationOfDuties', schema: separationOfDutiesSchema, compile: compileRuleSet },
  optionsProblem(options, ruleSet) {
    if (ruleSet.rules.length === 0) return { path: '', message: 'the policy has no separationOfDuties rules to enforce' };
    const unknown = options.rules.findIndex((id) => !ruleSet.byId.has(id));
    return unknown === -1 ? undefined : { path: `/rules/${unknown}`, message: `no separationOfDuties rule has the id "${options.rules[unknown] ?? ''}"` };
  },
  needs: (options) => (options.pendingRequests ? [...ALWAYS, 'targetPackageRequests'] : ALWAYS),
  appliesTo: ['elm-request', 'pim-activation'],
  severity: 'high',
  messages: {
    newConflict: '{{ruleId}} {{title}}: would hold {{sides}}.',
    extendedConflict: '{{ruleId}} {{title}}: adds to a conflict already held ({{sides}}).',
    existingConflict: '{{ruleId}} {{title}}: conflict already held, not touched by this request ({{sides}}).',
    exempt: '{{ruleId}} {{title}}: exempt ({{exemption}}).',
  },
  evaluate(callout, facts, options, ruleSet) {
    const held = options.pendingRequests ? facts : { ...facts, targetPackageRequests: [] };
    let user: UserHoldings;
    let userId: string;
    if (callout.kind === 'pim-activation') {
      const principal = targetOf(callout);
      if (principal === undefined) return [];
      userId = principal;
      user = collectHoldings({ facts: held, requestId: undefined, requestedPackage: undefined, now: facts.now });
      const activated = activatedHolding(callout);
      user.holdings.push(activated);
      user.touched.add(activated.key);
    } else {
      if (callout.kind !== 'elm-request' || isRemoval(callout.requestType) || callout.target?.objectId === undefined) return [];
      const { accessPackage } = callout;
      const requestedPackage = accessPackage?.id === undefined ? undefined : { id: accessPackage.id, displayName: accessPackage.displayName };
      userId = callout.target.objectId;
      user = collectHoldings({ facts: held, requestId: callout.requestId, requestedPackage, now: facts.now });
    }
    const conflicts = findConflicts(ruleSet, { ...user, userId, now: facts.now, only: onlyRules(options, ruleSet) });
    return conflicts.map((conflict): Report<MessageId> => {
      const data = { ruleId: conflict.rule.id, title: conflict.rule.title, sides: sidesText(conflict) };
      const base = { severity: conflict.rule.severity, action: conflict.rule.action, evidence: conflictEvidence(conflict) };
      // A conflict passed as a notice is still one a person should see before access is given without approval.
      if (conflict.exemption !== undefined) return { ...base, messageId: 'exempt', data: { ...data, exemption: exemptionText(conflict.exemption) }, notice: true, withholdsAutoApproval: true };
      if (conflict.status === 'existing') return { ...base, messageId: 'existingConflict', data, notice: options.existingConflicts === 'report', withholdsAutoApproval: true };
      return { ...base, messageId: conflict.status === 'new' ? 'newConflict' : 'extendedConflict', data };
    });
  },
});

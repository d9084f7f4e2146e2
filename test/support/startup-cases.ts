/**
 * Policies that must stop start-up, with the message each must give: run against the entry the
 * tests import (test/host/policy-startup.test.ts) and against the deployment bundle
 * (test/deploy/bundle.test.ts), whose validators are generated at build time.
 */
const scope = (fields: Record<string, unknown>) => JSON.stringify({ scopes: [{ name: 'finance', ...fields }] });

export const BAD_POLICIES: readonly (readonly [name: string, text: string, message: RegExp])[] = [
  ['invalid JSON', '{ "scopes": [\n  { "name": "x", }\n] }', /is invalid: not valid JSON at line 2, column \d+\./],
  ['an unknown check', scope({ checks: [{ id: 'no-such-check', action: 'deny' }] }), /invalid at \/scopes\/0\/checks\/0\/id: unknown check; known checks: activation-window, justification, manager-or-sponsor, max-duration, risky-user, separation-of-duties, user-attributes\./],
  ['bad options', scope({ checks: [{ id: 'max-duration', action: 'deny', options: { maxDays: 'ninety' } }] }), /invalid at \/scopes\/0\/checks\/0\/options\/maxDays: must be integer\./],
  ['an unknown option', scope({ checks: [{ id: 'risky-user', action: 'deny', options: { maxLevel: 'low' } }] }), /invalid at \/scopes\/0\/checks\/0\/options: unknown field "maxLevel"\./],
  ['an unknown field', scope({ matches: {} }), /invalid at \/scopes\/0: unknown field "matches"\./],
  ['a deny where the stage cannot deny', scope({ match: { stages: ['assignmentRequestGranted'] }, checks: [{ id: 'risky-user', action: 'deny' }] }), /invalid at \/scopes\/0\/checks\/0\/action: deny is impossible at assignmentRequestGranted/],
  ['a bad field of a known approver source', scope({ approvers: { primary: [{ type: 'requestorManager', level: 11 }] } }), /invalid at \/scopes\/0\/approvers\/primary\/0\/level: must be <= 10\./],
  ['a separation-of-duties section without rules', JSON.stringify({ separationOfDuties: { rulez: [] }, scopes: [] }), /invalid at \/separationOfDuties: must have required property 'rules'\./],
  ['a bad regex in options', scope({ checks: [{ id: 'justification', action: 'flag', options: { pattern: 'CHG(' } }] }), /invalid at \/scopes\/0\/checks\/0\/options\/pattern: /],
];

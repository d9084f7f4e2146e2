import type { AppliedCall } from './apply.js';
import type { PlannedCall } from './register-model.js';
import type { RegisterResult } from './run-register.js';

const indent = (text: string, by: string): string => text.split('\n').map((line) => `${by}${line}`).join('\n');

function callLines(call: PlannedCall, status: number | undefined): string[] {
  const head = `  ${call.method} ${call.version} ${call.path}${status === undefined ? '' : ` → ${status}`}`;
  return [head, `    ${call.what}`, ...(call.body === undefined ? [] : [indent(JSON.stringify(call.body, null, 2), '    ')])];
}

/** The result for a person: what each thing is and what happens to it, then every Graph write with its body. */
export function formatRegister(result: RegisterResult, source: string): string {
  const { desired, plan, whatIf, applied } = result;
  const verb = desired.mode === 'register' ? 'Register' : 'Unregister';
  const lines = [`${verb} "${desired.name}" in catalog ${result.catalog.displayName} (${result.catalog.id}) on ${source}${whatIf ? ' (what if)' : ''}`];
  for (const item of plan.items) lines.push(`  ${item.kind} ${item.label}: ${item.status} (${item.detail})`);
  if (desired.functionIdentity === undefined) lines.push('  permissions: the broad grant (--broad-permissions or LEAST_PRIVILEGE=false): no catalog role or authorizedApps is written or removed');
  if (plan.calls.length === 0) {
    lines.push('', 'Nothing to change: everything is as asked (unchanged). Only reads were made.');
    return `${lines.join('\n')}\n`;
  }
  if (whatIf) {
    lines.push('', `What if: ${plan.calls.length} Graph write(s) would be made; none was (the tenant was read to compute them):`);
    for (const call of plan.calls) lines.push(...callLines(call, undefined));
    return `${lines.join('\n')}\n`;
  }
  lines.push('', `Graph writes made (${applied.length}), each read back and found as written:`);
  for (const done of applied) lines.push(...callLines(done.call, done.status));
  return `${lines.join('\n')}\n`;
}

const callJson = (call: PlannedCall, done: AppliedCall | undefined) => ({
  method: call.method, version: call.version, path: call.path, body: call.body ?? null, what: call.what, status: done?.status ?? null,
  // A write made was read back and found as written (a difference fails the run before the result is printed).
  readBack: done === undefined ? null : 'as written',
});

/** The result as one JSON object with fixed keys (absent values are null). */
export function registerJson(result: RegisterResult, source: string): Record<string, unknown> {
  const calls = result.whatIf ? result.plan.calls.map((c) => callJson(c, undefined)) : result.applied.map((a) => callJson(a.call, a));
  return {
    mode: result.desired.mode,
    whatIf: result.whatIf,
    changed: !result.whatIf && result.applied.length > 0,
    unchanged: result.plan.calls.length === 0,
    source,
    catalog: result.catalog,
    name: result.desired.name,
    // Least privilege (the default): the catalog role, and with --lcw authorizedApps; false: the deployment's broad grant.
    leastPrivilege: result.desired.functionIdentity !== undefined,
    items: result.plan.items,
    calls,
  };
}

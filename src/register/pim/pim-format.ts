import type { AppliedPimCall } from './pim-apply.js';
import type { PimPlannedCall } from './pim-model.js';
import type { PimRegisterResult } from './run-pim-register.js';

const indent = (text: string, by: string): string => text.split('\n').map((line) => `${by}${line}`).join('\n');

function callLines(call: PimPlannedCall, status: number | undefined): string[] {
  const head = `  ${call.method} ${call.version} ${call.path}${status === undefined ? '' : ` → ${status}`}`;
  return [head, `    ${call.what}`, ...(call.body === undefined ? [] : [indent(JSON.stringify(call.body, null, 2), '    ')])];
}

function portalLines(result: PimRegisterResult): string[] {
  if (result.portalSteps === undefined) return [];
  const why = result.desired.resourceType === 'azureResources'
    ? 'Azure resource roles keep their settings in Azure Resource Manager, not Graph: link the extension in the portal'
    : result.desired.links.length === 0 ? 'No --link was given: link the extension to each role in the portal (or run again with --link)' : 'Link the roles marked manual in the portal';
  return ['', `${why}:`, ...result.portalSteps.map((s) => `  ${s}`)];
}

/** The result for a person: each thing and what happens to it, every Graph write with its body, and the portal steps a link still needs. */
export function formatPimRegister(result: PimRegisterResult, source: string): string {
  const { desired, plan, whatIf, applied } = result;
  const verb = desired.mode === 'register' ? 'Register' : 'Unregister';
  const lines = [`${verb} PIM custom extension "${desired.name}" (${desired.resourceType}) on ${source}${whatIf ? ' (what if)' : ''}`];
  for (const item of plan.items) lines.push(`  ${item.kind} ${item.label}: ${item.status} (${item.detail})`);
  if (plan.calls.length === 0) lines.push('', 'Nothing to change: everything is as asked (unchanged). Only reads were made.');
  else if (whatIf) {
    lines.push('', `What if: ${plan.calls.length} Graph write(s) would be made; none was (the tenant was read to compute them):`);
    for (const call of plan.calls) lines.push(...callLines(call, undefined));
  } else {
    lines.push('', `Graph writes made (${applied.length}), each read back and found as written:`);
    for (const done of applied) lines.push(...callLines(done.call, done.status));
  }
  return `${[...lines, ...portalLines(result)].join('\n')}\n`;
}

const callJson = (call: PimPlannedCall, done: AppliedPimCall | undefined) => ({
  method: call.method, version: call.version, path: call.path, body: call.body ?? null, what: call.what, status: done?.status ?? null,
  readBack: done === undefined ? null : 'as written',
});

/** The result as one JSON object with fixed keys (absent values are null). */
export function pimRegisterJson(result: PimRegisterResult, source: string): Record<string, unknown> {
  const calls = result.whatIf ? result.plan.calls.map((c) => callJson(c, undefined)) : result.applied.map((a) => callJson(a.call, a));
  return {
    mode: result.desired.mode,
    pim: true,
    whatIf: result.whatIf,
    changed: !result.whatIf && result.applied.length > 0,
    unchanged: result.plan.calls.length === 0,
    source,
    resourceType: result.desired.resourceType,
    name: result.desired.name,
    endpoint: result.desired.endpoint ?? null,
    items: result.plan.items,
    calls,
    portalSteps: result.portalSteps ?? null,
  };
}

import { extensionDifferences, planWords } from './extension-differences.js';
import { ASSIGNMENT_MANAGER_ROLE, catalogScope, paths, roleAssignmentBody, TASK_CALLOUT_TIMEOUT_MS, taskExtensionBody, workflowExtensionBody } from './graph-shapes.js';
import { planPolicy } from './plan-policy.js';
import { NEW_EXTENSION_ID, type Current, type Desired, type Plan, type PlanItem, type PlannedCall } from './register-model.js';


const lower = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : '');

interface Step {
  readonly item: PlanItem;
  readonly call?: PlannedCall;
}

function extensionStep(desired: Desired, current: Current): Step {
  const label = `"${desired.name}" in catalog ${current.catalog.displayName} (${current.catalog.id})`;
  const ext = current.extension;
  const id = typeof ext?.['id'] === 'string' ? ext['id'] : undefined;
  if (desired.mode === 'unregister' || desired.relay === undefined) {
    if (ext === undefined || id === undefined) return { item: { kind: 'custom extension', label, status: 'absent', detail: 'not there' } };
    return {
      item: { kind: 'custom extension', label, status: 'remove', detail: `deletes ${id}` },
      call: {
        kind: 'custom extension', method: 'DELETE', version: 'v1.0', path: paths.extension(desired.catalogId, id), what: `delete custom extension ${label} (${id})`,
        hint: 'a policy that still uses it must be named with --policy, so that its stages are taken off first',
      },
    };
  }
  const body = workflowExtensionBody(desired.name, desired.relay, desired.callback);
  if (ext === undefined || id === undefined) {
    const detail = `calls ${desired.relay.logicAppWorkflowName} with PoP tokens, waits ${desired.callback}`;
    return { item: { kind: 'custom extension', label, status: 'create', detail }, call: { kind: 'custom extension', method: 'POST', version: 'v1.0', path: paths.extensions(desired.catalogId), body, what: `create custom extension ${label}` } };
  }
  const changes = extensionDifferences(ext, desired.relay, desired.callback).map(planWords);
  if (changes.length === 0) return { item: { kind: 'custom extension', label, status: 'unchanged', detail: `${id}, as asked` } };
  return {
    item: { kind: 'custom extension', label, status: 'update', detail: changes.join('; ') },
    call: { kind: 'custom extension', method: 'PUT', version: 'v1.0', path: paths.extension(desired.catalogId, id), body, what: `update custom extension ${label} (${id}): ${changes.join('; ')}` },
  };
}

function roleSteps(desired: Desired, current: Current): Step[] {
  const principal = desired.functionIdentity;
  if (principal === undefined) return [];
  const scope = catalogScope(desired.catalogId);
  const label = `Access package assignment manager of catalog ${current.catalog.displayName} for ${principal}`;
  const held = (current.roleAssignments ?? []).filter((r) => r.roleDefinitionId === ASSIGNMENT_MANAGER_ROLE && lower(r.appScopeId) === scope.toLowerCase());
  if (desired.mode === 'register') {
    if (held.length > 0) return [{ item: { kind: 'role assignment', label, status: 'unchanged', detail: `${held.map((r) => r.id).join(', ')}, as asked` } }];
    return [{
      item: { kind: 'role assignment', label, status: 'create', detail: `appScopeId ${scope}` },
      call: { kind: 'role assignment', method: 'POST', version: 'v1.0', path: paths.roleAssignmentsCollection(), body: roleAssignmentBody(principal, desired.catalogId), what: `assign ${label}` },
    }];
  }
  if (held.length === 0) return [{ item: { kind: 'role assignment', label, status: 'absent', detail: 'not assigned' } }];
  return held.map((r) => ({
    item: { kind: 'role assignment', label, status: 'remove', detail: `deletes ${r.id}` },
    call: { kind: 'role assignment', method: 'DELETE', version: 'v1.0', path: paths.roleAssignment(r.id), what: `remove ${label} (${r.id})` },
  }));
}

function taskStep(desired: Desired, current: Current): Step[] {
  if (desired.lcw === undefined) return [];
  const label = `"${desired.name}" (Lifecycle Workflows)`;
  const task = current.taskExtension;
  const id = typeof task?.['id'] === 'string' ? task['id'] : undefined;
  if (desired.mode === 'unregister' || desired.relay === undefined) {
    if (id === undefined) return [{ item: { kind: 'custom task extension', label, status: 'absent', detail: 'not there' } }];
    return [{ item: { kind: 'custom task extension', label, status: 'remove', detail: `deletes ${id}` }, call: { kind: 'custom task extension', method: 'DELETE', version: 'v1.0', path: paths.taskExtension(id), what: `delete custom task extension ${label} (${id})` } }];
  }
  const { authorizedApp } = desired.lcw;
  const body = taskExtensionBody(desired.name, desired.relay, desired.lcw.callback, authorizedApp);
  if (task === undefined || id === undefined) {
    const resumes = authorizedApp === undefined ? '' : `, app ${authorizedApp} may resume`;
    return [{ item: { kind: 'custom task extension', label, status: 'create', detail: `calls ${desired.relay.logicAppWorkflowName}, waits ${desired.lcw.callback}${resumes}` }, call: { kind: 'custom task extension', method: 'POST', version: 'v1.0', path: paths.taskExtensions(), body, what: `create custom task extension ${label}` } }];
  }
  const changes = extensionDifferences(task, desired.relay, desired.lcw.callback, { timeoutMs: TASK_CALLOUT_TIMEOUT_MS, authorizedApp }).map(planWords);
  if (changes.length === 0) return [{ item: { kind: 'custom task extension', label, status: 'unchanged', detail: `${id}, as asked` } }];
  return [{
    item: { kind: 'custom task extension', label, status: 'update', detail: changes.join('; ') },
    call: { kind: 'custom task extension', method: 'PATCH', version: 'v1.0', path: paths.taskExtension(id), body, what: `update custom task extension ${label} (${id}): ${changes.join('; ')}` },
  }];
}

/**
 * What to write to get from what is there to what is asked, in order: registering creates or
 * updates the extension before the policies name it; unregistering takes it off the policies
 * before deleting it. Pure: the same state and request always give the same plan, and a request
 * already met gives no call. Throws RegisterError when a policy cannot take the change.
 */
export function plan(desired: Desired, current: Current): Plan {
  const extension = extensionStep(desired, current);
  const readId = typeof current.extension?.['id'] === 'string' ? current.extension['id'] : undefined;
  const extensionId = extension.item.status === 'create' ? NEW_EXTENSION_ID : readId;
  const policies = current.policies.map((p) => planPolicy(desired, p, extensionId, desired.name));
  const steps = desired.mode === 'register'
    ? [extension, ...policies, ...roleSteps(desired, current), ...taskStep(desired, current)]
    : [...policies, extension, ...roleSteps(desired, current), ...taskStep(desired, current)];
  return { items: steps.map((s) => s.item), calls: steps.flatMap((s) => (s.call === undefined ? [] : [s.call])) };
}

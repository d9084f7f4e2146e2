import { RegisterError } from '../register-error.js';
import { NEW_EXTENSION_ID } from '../register-model.js';
import type { LinkState, PimCurrent, PimDesired, PimPlan, PimPlanItem, PimPlannedCall } from './pim-model.js';
import { linkLabel, linkPermission, PIM_EXTENSION_PERMISSION, pimExtensionBody, pimPaths, ruleLinkBody, type PimEndpoint } from './pim-shapes.js';

type Json = Readonly<Record<string, unknown>>;

const obj = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const lower = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : '');
const shown = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : 'none');

/** One property of the extension that is not as asked: Graph's property path, what is stored and what is wanted. */
export interface PimDifference {
  readonly property: string;
  readonly label: string;
  readonly stored: string;
  readonly wanted: string;
}

/** What differs between our extension as Graph holds it and as asked: where it calls, the token's audience, the wait and the retries. */
export function pimDifferences(stored: Json, endpoint: PimEndpoint, timeoutMs: number, retries: number): PimDifference[] {
  const target = obj(stored['endpointConfiguration'])['targetUrl'];
  const resourceId = obj(stored['authenticationConfiguration'])['resourceId'];
  const client = obj(stored['clientConfiguration']);
  const found: PimDifference[] = [];
  // The host is case-insensitive; the path is not.
  const url = (value: unknown): string => (typeof value === 'string' && URL.canParse(value) ? new URL(value).href : shown(value));
  if (url(target) !== url(endpoint.targetUrl)) found.push({ property: 'endpointConfiguration.targetUrl', label: 'target', stored: shown(target), wanted: endpoint.targetUrl });
  if (lower(resourceId) !== endpoint.resourceId.toLowerCase()) found.push({ property: 'authenticationConfiguration.resourceId', label: 'resource id', stored: shown(resourceId), wanted: endpoint.resourceId });
  if (client['timeoutInMilliseconds'] !== timeoutMs) found.push({ property: 'clientConfiguration.timeoutInMilliseconds', label: 'timeout', stored: shown(client['timeoutInMilliseconds']), wanted: String(timeoutMs) });
  if (client['maximumRetries'] !== retries) found.push({ property: 'clientConfiguration.maximumRetries', label: 'retries', stored: shown(client['maximumRetries']), wanted: String(retries) });
  return found;
}

interface Step {
  readonly item: PimPlanItem;
  readonly call?: PimPlannedCall;
}

function extensionStep(desired: PimDesired, current: PimCurrent): Step {
  const label = `"${desired.name}" (${desired.resourceType})`;
  const ext = current.extension;
  const id = typeof ext?.['id'] === 'string' ? ext['id'] : undefined;
  const kind = 'PIM custom extension';
  const permission = PIM_EXTENSION_PERMISSION;
  if (desired.mode === 'unregister' || desired.endpoint === undefined) {
    if (id === undefined) return { item: { kind, label, status: 'absent', detail: 'not there' } };
    const hint = 'a role still calling it must be named with --link, so that its setting is unlinked first';
    return { item: { kind, label, status: 'remove', detail: `deletes ${id}` }, call: { kind, permission, method: 'DELETE', version: 'beta', path: pimPaths.extension(id), what: `delete PIM custom extension ${label} (${id})`, hint } };
  }
  const { endpoint, timeoutMs, maximumRetries } = desired;
  const body = pimExtensionBody(desired.name, desired.resourceType, endpoint, timeoutMs, maximumRetries);
  if (ext === undefined || id === undefined) {
    const detail = `calls ${endpoint.targetUrl} for tokens to ${endpoint.resourceId}, waits ${timeoutMs} ms, retries ${maximumRetries}`;
    return { item: { kind, label, status: 'create', detail }, call: { kind, permission, method: 'POST', version: 'beta', path: pimPaths.extensions(), body, what: `create PIM custom extension ${label}` } };
  }
  const changes = pimDifferences(ext, endpoint, timeoutMs, maximumRetries).map((d) => `${d.label} ${d.stored} → ${d.wanted}`);
  if (changes.length === 0) return { item: { kind, label, status: 'unchanged', detail: `${id}, as asked` } };
  return {
    item: { kind, label, status: 'update', detail: changes.join('; ') },
    call: { kind, permission, method: 'PATCH', version: 'beta', path: pimPaths.extension(id), body, what: `update PIM custom extension ${label} (${id}): ${changes.join('; ')}` },
  };
}

/** A role's setting: link it (register) or unlink it (unregister); a role already calling another extension stops the run before any write. */
function linkStep(desired: PimDesired, link: LinkState, extensionId: string | undefined): Step {
  const kind = 'role setting';
  const permission = linkPermission(link.target);
  const label = `${linkLabel(link.target)}, policy ${link.policyId}`;
  const rule = link.rule;
  if (rule === undefined) {
    return { item: { kind, label, status: desired.mode === 'register' ? 'manual' : 'absent', detail: `${link.manual ?? 'no custom extension rule'}${desired.mode === 'register' ? ': link it in the portal (steps below)' : ''}` } };
  }
  const ruleId = String(rule['id']);
  const named = lower(rule['customExtensionId']);
  const enabled = rule['isEnabled'] === true;
  const ours = extensionId?.toLowerCase();
  const path = pimPaths.rule(link.policyId, ruleId);
  if (desired.mode === 'unregister') {
    if (!enabled || ours === undefined || named !== ours) return { item: { kind, label, status: 'absent', detail: `rule ${ruleId} does not call "${desired.name}"` } };
    return { item: { kind, label, status: 'remove', detail: `rule ${ruleId}: isEnabled false` }, call: { kind, permission, method: 'PATCH', version: 'beta', path, body: ruleLinkBody(rule, undefined, false), what: `unlink "${desired.name}" from ${label} (rule ${ruleId})` } };
  }
  if (enabled && named !== '' && named === ours) return { item: { kind, label, status: 'unchanged', detail: `rule ${ruleId} calls "${desired.name}" on activation` } };
  if (enabled && named !== '' && named !== ours) {
    throw new RegisterError(2, `${linkLabel(link.target)} already calls the custom extension ${named} on activation (rule ${ruleId} of policy ${link.policyId}): unlink it first`);
  }
  const id = ours ?? NEW_EXTENSION_ID;
  return { item: { kind, label, status: 'update', detail: `rule ${ruleId} → calls "${desired.name}" on activation` }, call: { kind, permission, method: 'PATCH', version: 'beta', path, body: ruleLinkBody(rule, id, true), what: `link "${desired.name}" (${id}) to ${label} (rule ${ruleId})` } };
}

/**
 * What to write to get from what is there to what is asked, in order: registering creates or
 * updates the extension before the roles name it; unregistering unlinks the roles before
 * deleting it. Pure: the same state and request always give the same plan, and a request already
 * met gives no call. Throws RegisterError for a role already calling another extension.
 */
export function planPim(desired: PimDesired, current: PimCurrent): PimPlan {
  const extension = extensionStep(desired, current);
  const readId = typeof current.extension?.['id'] === 'string' ? current.extension['id'] : undefined;
  const links = current.links.map((l) => linkStep(desired, l, extension.item.status === 'create' ? undefined : readId));
  const steps = desired.mode === 'register' ? [extension, ...links] : [...links, extension];
  return { items: steps.map((s) => s.item), calls: steps.flatMap((s) => (s.call === undefined ? [] : [s.call])) };
}

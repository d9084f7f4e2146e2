import type { RegisterGraph } from '../register-graph.js';
import { RegisterError } from '../register-error.js';
import type { LinkState, PimCurrent, PimDesired } from './pim-model.js';
import { CUSTOM_EXTENSION_RULE, linkLabel, linkPermission, PIM_EXTENSION_PERMISSION, pimPaths, type PimLinkTarget } from './pim-shapes.js';

type Json = Readonly<Record<string, unknown>>;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const obj = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const hashed = (type: unknown): string => (typeof type === 'string' && !type.startsWith('#') ? `#${type}` : String(type));

/**
 * The custom extension rule an activation meets, among a policy's rules: of
 * unifiedRoleManagementPolicyCustomExtensionRule, targeting an end user's assignment (Graph's
 * rules overview: activation rules are `EndUser` / `Assignment`). Graph's pages do not give the
 * rule's id, so it is found by type and target; when a policy has more than one, the one whose
 * id reads as pre-approval (the portal's "Require pre-approval custom extension to activate").
 * None, or no single one, and the portal links it.
 */
export function activationRule(rules: readonly Json[]): { readonly rule: Json } | { readonly problem: string } {
  const found = rules.filter((r) => hashed(r['@odata.type']) === CUSTOM_EXTENSION_RULE && obj(r['target'])['caller'] === 'EndUser' && obj(r['target'])['level'] === 'Assignment');
  const pre = found.filter((r) => /pre-?approval/i.test(str(r['id']) ?? ''));
  const rule = found.length === 1 ? found[0] : pre.length === 1 ? pre[0] : undefined;
  if (rule !== undefined && str(rule['id']) !== undefined) return { rule };
  if (found.length === 0) return { problem: 'its policy has no custom extension rule Graph can set' };
  return { problem: `its policy has ${found.length} custom extension rules for activation (${found.map((r) => String(r['id'])).join(', ')}) and none alone reads as pre-approval` };
}

/** Our extension among PIM's, by display name; two of that name, or one for another resource type, are the operator's to sort out. */
async function readExtension(graph: RegisterGraph, desired: PimDesired): Promise<Json | undefined> {
  const items = await graph.readAll({ method: 'GET', version: 'beta', path: pimPaths.extensions() }, 'list the PIM custom extensions', PIM_EXTENSION_PERMISSION);
  const found = items.filter((i) => i['displayName'] === desired.name);
  if (found.length > 1) throw new RegisterError(2, `PIM has ${found.length} custom extensions named "${desired.name}" (${found.map((i) => String(i['id'])).join(', ')}): delete the extra ones or choose another --name`);
  const ext = found[0];
  if (ext !== undefined && ext['resourceType'] !== desired.resourceType) {
    throw new RegisterError(2, `the PIM custom extension "${desired.name}" (${String(ext['id'])}) is for ${String(ext['resourceType'])}, not ${desired.resourceType}: choose another --name`);
  }
  return ext;
}

/** A role's policy (through its assignment) and its custom extension rule for activation. */
async function readLink(graph: RegisterGraph, target: PimLinkTarget): Promise<LinkState> {
  const label = linkLabel(target);
  const permission = linkPermission(target);
  const assignments = await graph.readAll({ method: 'GET', version: 'beta', path: pimPaths.policyAssignments(target) }, `find the role management policy of ${label}`, permission);
  const policyId = str(assignments[0]?.['policyId']);
  if (policyId === undefined) {
    throw new RegisterError(2, `${label} has no role management policy in this tenant: ${target.kind === 'role' ? 'is it the id of a directory role definition?' : 'is it the id of a group of this tenant?'}`);
  }
  const rules = await graph.readAll({ method: 'GET', version: 'beta', path: pimPaths.rules(policyId) }, `read the rules of role management policy ${policyId} (${label})`, permission);
  const chosen = activationRule(rules);
  return { target, policyId, rule: 'rule' in chosen ? chosen.rule : undefined, manual: 'problem' in chosen ? chosen.problem : undefined };
}

/** Reads what the run is about, in a fixed order: the extension first, then each --link role's policy. */
export async function readPimState(graph: RegisterGraph, desired: PimDesired): Promise<PimCurrent> {
  const extension = await readExtension(graph, desired);
  const links: LinkState[] = [];
  for (const target of desired.links) links.push(await readLink(graph, target));
  return { extension, links };
}

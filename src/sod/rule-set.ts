import { SettingsProblem, type Severity } from '../checks/define-check.js';
import type { Action } from '../policy/policy-types.js';
import { entitlementKey, type Entitlement, type Exemption, type Rule, type RulePlace, type RuleSet, type Side } from './sod-model.js';

interface Named {
  id: string;
  displayName?: string;
}
interface SideDoc {
  name: string;
  accessPackages?: Named[];
  groups?: Named[];
  directoryRoles?: { roleTemplateId: string; displayName?: string; includeEligible?: boolean }[];
  appRoles?: { servicePrincipalId: string; appRoleId: string; displayName?: string }[];
  azureRoles?: { roleDefinitionId: string; displayName?: string }[];
}
interface RuleDoc {
  id: string;
  title: string;
  description?: string;
  owner?: string;
  severity: Severity;
  action: Action;
  mitigatingControl?: string;
  sides: SideDoc[];
  exemptions?: { user?: string; group?: string; reason: string; ticket?: string; expires?: string }[];
}

const DAY_MS = 86_400_000;

function expiryOf(expires: string | undefined, at: string): number | undefined {
  if (expires === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(expires);
  const ms = Date.parse(dateOnly ? `${expires}T00:00:00Z` : expires);
  if (Number.isNaN(ms)) throw new SettingsProblem(`${at}/expires`, `"${expires}" is not a date`);
  return dateOnly ? ms + DAY_MS : ms;
}

function compileSide(doc: SideDoc, at: string): Side {
  const entitlements: Entitlement[] = [
    ...(doc.accessPackages ?? []).map((p) => ({ key: entitlementKey.accessPackage(p.id), kind: 'accessPackage' as const, displayName: p.displayName, includeEligible: false })),
    ...(doc.groups ?? []).map((g) => ({ key: entitlementKey.group(g.id), kind: 'group' as const, displayName: g.displayName, includeEligible: false })),
    ...(doc.directoryRoles ?? []).map((r) => ({ key: entitlementKey.directoryRole(r.roleTemplateId), kind: 'directoryRole' as const, displayName: r.displayName, includeEligible: r.includeEligible ?? true })),
    ...(doc.appRoles ?? []).map((a) => ({ key: entitlementKey.appRole(a.servicePrincipalId, a.appRoleId), kind: 'appRole' as const, displayName: a.displayName, includeEligible: false })),
    ...(doc.azureRoles ?? []).map((r) => ({ key: entitlementKey.azureRole(r.roleDefinitionId), kind: 'azureRole' as const, displayName: r.displayName, includeEligible: false })),
  ];
  if (entitlements.length === 0) throw new SettingsProblem(at, `side "${doc.name}" names no entitlement (accessPackages, groups, directoryRoles, appRoles or azureRoles)`);
  return { name: doc.name, entitlements };
}

function compileExemption(doc: NonNullable<RuleDoc['exemptions']>[number], at: string): Exemption {
  if ((doc.user === undefined) === (doc.group === undefined)) throw new SettingsProblem(at, 'an exemption names exactly one of user and group');
  const principal = doc.user !== undefined ? { kind: 'user' as const, id: doc.user.toLowerCase() } : { kind: 'group' as const, id: (doc.group as string).toLowerCase() };
  return { principal, reason: doc.reason, ticket: doc.ticket, expires: doc.expires, expiresAt: expiryOf(doc.expires, at) };
}

function compileRule(doc: RuleDoc, at: string): Rule {
  const sides = doc.sides.map((side, i) => compileSide(side, `${at}/sides/${i}`));
  const seen = new Map<string, number>();
  for (const [i, side] of sides.entries()) {
    for (const entitlement of side.entitlements) {
      const other = seen.get(entitlement.key);
      if (other !== undefined && other !== i) throw new SettingsProblem(`${at}/sides/${i}`, `${entitlement.key} is on sides ${other} and ${i}; an entitlement belongs to one side`);
      seen.set(entitlement.key, i);
    }
  }
  const names = new Set<string>();
  for (const [i, side] of sides.entries()) {
    if (names.has(side.name)) throw new SettingsProblem(`${at}/sides/${i}/name`, `side name "${side.name}" is used twice in rule ${doc.id}`);
    names.add(side.name);
  }
  return {
    id: doc.id,
    title: doc.title,
    description: doc.description,
    owner: doc.owner,
    severity: doc.severity,
    action: doc.action,
    mitigatingControl: doc.mitigatingControl,
    sides,
    exemptions: (doc.exemptions ?? []).map((e, i) => compileExemption(e, `${at}/exemptions/${i}`)),
  };
}

/** Rules and their index from a validated `separationOfDuties` section (an absent section: no rules). */
export function compileRuleSet(section: unknown): RuleSet {
  const docs = section === undefined ? [] : (section as { rules: RuleDoc[] }).rules;
  const rules: Rule[] = [];
  const byId = new Map<string, number>();
  const byKind = { accessPackage: new Map<string, RulePlace[]>(), group: new Map<string, RulePlace[]>(), directoryRole: new Map<string, RulePlace[]>(), appRole: new Map<string, RulePlace[]>(), azureRole: new Map<string, RulePlace[]>() };
  for (const [i, doc] of docs.entries()) {
    const at = `/rules/${i}`;
    if (byId.has(doc.id)) throw new SettingsProblem(`${at}/id`, `rule id "${doc.id}" is used twice`);
    const rule = compileRule(doc, at);
    byId.set(rule.id, i);
    rules.push(rule);
    for (const [side, { entitlements }] of rule.sides.entries()) {
      for (const { key, kind, includeEligible } of entitlements) {
        const id = key.slice(kind.length + 1);
        const index = byKind[kind];
        const places = index.get(id) ?? [];
        const known = places.findIndex((p) => p.rule === i && p.side === side);
        if (known === -1) places.push({ rule: i, side, includeEligible });
        else places[known] = { rule: i, side, includeEligible: includeEligible || (places[known]?.includeEligible ?? false) };
        index.set(id, places);
      }
    }
  }
  return { rules, byId, byKind };
}

/** The places naming an entitlement key (`group:{id}` …), as the index holds them. */
export function placesOf(ruleSet: RuleSet, key: string): readonly RulePlace[] | undefined {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon) as keyof RuleSet['byKind'];
  return ruleSet.byKind[kind].get(key.slice(colon + 1));
}

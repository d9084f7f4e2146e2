// Our ajv schemas of Graph answers name only properties Graph's published types have (v1.0: every
// read they validate is a v1.0 read). Each schema is mapped by hand to the type(s) it validates.
// The published types alone: the index without emulator/graph/graph-type-lag.ts, whose entries are where the
// emulator follows documented Graph over the types; a schema of what we read must not lean on one (no
// entry is needed here: a lag entry a schema needed would have to be added to a list for this test, with why).
import { describe, expect, test } from 'vitest';
import { graphTypeModel, NO_TYPE_LAG } from '../../emulator/graph/graph-types.js';
import { ANSWER_SCHEMAS } from '../../src/facts/answer-schemas.js';
import { scanAppRoleAssignmentSchema, scanAssignmentSchema, scanRoleGrantSchema, scanUserSchema } from '../../src/sod/scan/scan-schemas.js';

const G = 'microsoft.graph';
/** v1.0's published types alone. */
const PUBLISHED = graphTypeModel('v1.0', NO_TYPE_LAG);

/**
 * The types a schema validates. A property passes when one of them has it (a schema shared by two
 * reads names the properties of either). `nested` names the types of an object at a path when the
 * declared type is a base the read answers as derived types (a role's principal is a user or a group).
 */
interface Mapping {
  readonly types: readonly string[];
  readonly nested?: Readonly<Record<string, readonly string[]>>;
}

const ANSWERS: Readonly<Record<keyof typeof ANSWER_SCHEMAS, Mapping | 'not a Graph type'>> = {
  user: { types: [`${G}.user`] },
  // The manager, a sponsor, the user with its manager chain: Graph declares directoryObject, and answers users.
  directoryObject: { types: [`${G}.user`], nested: { manager: [`${G}.user`] } },
  // The OData collection envelope (value, @odata.nextLink); its items are validated by the other schemas.
  page: 'not a Graph type',
  riskyUser: { types: [`${G}.riskyUser`] },
  request: { types: [`${G}.accessPackageAssignmentRequest`] },
  packageAssignment: { types: [`${G}.accessPackageAssignment`] },
  packageRequest: { types: [`${G}.accessPackageAssignmentRequest`] },
  accessPackage: { types: [`${G}.accessPackage`] },
  // Active roles (roleAssignments) and eligibilities (roleEligibilitySchedules, which have scheduleInfo) share it.
  roleAssignment: { types: [`${G}.unifiedRoleAssignment`, `${G}.unifiedRoleEligibilitySchedule`] },
  appRoleAssignment: { types: [`${G}.appRoleAssignment`] },
  // A group of memberOf / transitiveMemberOf.
  groupRef: { types: [`${G}.group`] },
};

const SCANS: readonly (readonly [string, unknown, Mapping])[] = [
  ['scan/access-package-assignment', scanAssignmentSchema, { types: [`${G}.accessPackageAssignment`] }],
  ['scan/user', scanUserSchema, { types: [`${G}.user`] }],
  ['scan/role-grant', scanRoleGrantSchema, { types: [`${G}.unifiedRoleAssignment`, `${G}.unifiedRoleEligibilitySchedule`], nested: { principal: [`${G}.user`, `${G}.group`] } }],
  ['scan/app-role-assigned-to', scanAppRoleAssignmentSchema, { types: [`${G}.appRoleAssignment`] }],
];

type Schema = { readonly properties?: Record<string, Schema>; readonly patternProperties?: Record<string, Schema>; readonly items?: Schema };

/** The types of a property's object (or of its items), from the published types. */
function typesOf(types: readonly string[], property: string): string[] {
  return types.flatMap((t) => {
    const kind = PUBLISHED.type(t)?.properties[property];
    const match = kind === undefined ? null : /^object:([^[\]]+)(\[\])?$/.exec(kind);
    return match?.[1] === undefined ? [] : [match[1]];
  });
}

/** Every property the schema names that none of the types has, as `path: name (types)`. */
function missing(schema: Schema, types: readonly string[], nested: Readonly<Record<string, readonly string[]>>, path = ''): string[] {
  const out: string[] = [];
  const known = (name: string) => types.some((t) => PUBLISHED.type(t)?.properties[name] !== undefined);
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    if (name.includes('@')) continue; // OData annotations (@odata.type) are not properties
    const where = path === '' ? name : `${path}.${name}`;
    if (!known(name)) {
      out.push(`${where} (${types.join(' | ')})`);
      continue;
    }
    const inner = sub.items ?? sub;
    if (inner.properties !== undefined || inner.patternProperties !== undefined) out.push(...missing(inner, nested[where] ?? typesOf(types, name), nested, where));
  }
  for (const pattern of Object.keys(schema.patternProperties ?? {})) {
    const names = types.flatMap((t) => Object.keys(PUBLISHED.type(t)?.properties ?? {}));
    if (!names.some((n) => new RegExp(pattern).test(n))) out.push(`${path}/${pattern}/ (${types.join(' | ')})`);
  }
  return out;
}

describe("ajv schemas of Graph answers against Graph's published types alone (v1.0)", () => {
  test.each(Object.entries(ANSWERS))('src/facts %s', (name, mapping) => {
    if (mapping === 'not a Graph type') return;
    for (const type of mapping.types) expect(PUBLISHED.type(type), `${type} is not in the type index`).toBeDefined();
    expect(missing(ANSWER_SCHEMAS[name as keyof typeof ANSWER_SCHEMAS] as Schema, mapping.types, mapping.nested ?? {})).toEqual([]);
  });

  test('every answer schema is mapped to its Graph type', () => {
    expect(Object.keys(ANSWERS).sort()).toEqual(Object.keys(ANSWER_SCHEMAS).sort());
  });

  test.each(SCANS)('src/sod/scan %s', (_, schema, mapping) => {
    expect(missing(schema as Schema, mapping.types, mapping.nested ?? {})).toEqual([]);
  });

  test('the check finds a property the type does not have', () => {
    const schema = { properties: { id: {}, subjectType: {}, accessPackage: { properties: { uniqueName: {} } } } };
    expect(missing(schema, [`${G}.accessPackageAssignment`], {})).toEqual([`subjectType (${G}.accessPackageAssignment)`, `accessPackage.uniqueName (${G}.accessPackage)`]);
    const items = { properties: { resourceRoleScopes: { items: { properties: { role: { properties: { originId: {}, originKind: {} } } } } } } };
    expect(missing(items, [`${G}.accessPackage`], {})).toEqual([`resourceRoleScopes.role.originKind (${G}.accessPackageResourceRole)`]);
    expect(missing({ properties: { x: { patternProperties: { '^nope$': {} } } } }, [`${G}.user`], {})).toEqual([`x (${G}.user)`]);
  });

  test('the check reads the published types, not the emulator\'s lag list: a type only graph-type-lag.ts adds has no properties', () => {
    expect(missing({ properties: { durationBeforeAutomaticDenial: {} } }, [`${G}.accessPackageDynamicApprovalStage`], {})).toEqual([`durationBeforeAutomaticDenial (${G}.accessPackageDynamicApprovalStage)`]);
  });
});

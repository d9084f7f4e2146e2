/**
 * Where Microsoft's published types (the index, emulator/graph/graph-type-index.json) lag behind
 * documented Graph and the emulator follows the documentation. The index check takes each entry
 * as if the types had it; each names the page that documents it. Kinds are written as the index
 * writes them (`string`, `enum:…`, `object:…`, `[]` for a collection).
 * test/graph-schema-index/type-lag.test.ts shows that each entry still lags (the published types
 * lack it) and is still needed (a write the product makes, or an answer of the emulator, is
 * refused without it): a types release that catches up fails there, and the entry is taken out.
 */
interface Documented {
  readonly page: string;
}

export interface TypeLag {
  /** Types the published types lack. */
  readonly types: Readonly<Record<string, Documented & { readonly base: string | null; readonly properties: Readonly<Record<string, string>> }>>;
  /** Properties a published type lacks. */
  readonly properties: Readonly<Record<string, Documented & { readonly properties: Readonly<Record<string, string>> }>>;
  /** Members a published enum lacks. */
  readonly enumMembers: Readonly<Record<string, Documented & { readonly members: readonly string[] }>>;
  /** A base a published type lacks: the type (and every type derived from it) may stand where that base is declared. Its properties are not added. */
  readonly bases: Readonly<Record<string, Documented & { readonly base: string }>>;
}

/** By Graph version (graph-types.ts's GraphVersion, spelled out here so the two files do not import each other). */
export const TYPE_LAG: Readonly<Record<'v1.0' | 'beta', TypeLag>> = {
  'v1.0': {
    types: {
      // v1.0 documents the dynamic stage (no customExtension there); the v1.0 types do not have it.
      'microsoft.graph.accessPackageDynamicApprovalStage': {
        base: 'microsoft.graph.accessPackageApprovalStage',
        properties: {},
        page: 'https://learn.microsoft.com/en-us/graph/api/resources/accesspackagedynamicapprovalstage?view=graph-rest-1.0',
      },
      // PIM custom extensions: the published types lack roleManagementCustomCalloutExtension (Graph's
      // reference has it in v1.0, global cloud only). resourceType and type are enums in Graph's metadata
      // (customExtensionResourceType, customCalloutExtensionType) the published types lack too; the lag
      // list cannot add an enum, so they are strings here and emulator/pim/pim-extension-rules.ts checks the members.
      'microsoft.graph.roleManagementCustomCalloutExtension': {
        base: 'microsoft.graph.customCalloutExtension',
        properties: { customAttributes: 'string[]', resourceType: 'string', type: 'string' },
        page: 'https://learn.microsoft.com/en-us/graph/api/resources/rolemanagementcustomcalloutextension?view=graph-rest-1.0',
      },
    },
    properties: {},
    enumMembers: {
      // The stage of a dynamic approval's extension: v1.0's policy example with dynamic approval writes it.
      'microsoft.graph.accessPackageCustomExtensionStage': {
        members: ['assignmentRequestDeterminingApprovalRequirements'],
        page: 'https://learn.microsoft.com/en-us/graph/api/entitlementmanagement-post-assignmentpolicies?view=graph-rest-1.0',
      },
    },
    bases: {},
  },
  beta: {
    types: {
      // PIM custom extensions, as in v1.0: the beta types (0.44.0-preview) lack roleManagementCustomCalloutExtension;
      // Microsoft's how-to creates one in beta ("#microsoft.graph.roleManagementCustomCalloutExtension").
      'microsoft.graph.roleManagementCustomCalloutExtension': {
        base: 'microsoft.graph.customCalloutExtension',
        properties: { customAttributes: 'string[]', resourceType: 'string', type: 'string' },
        page: 'https://learn.microsoft.com/en-us/graph/api/resources/rolemanagementcustomcalloutextension?view=graph-rest-beta',
      },
    },
    properties: {
      // The approval-requirements callback's approvalStage "must follow accessPackageApprovalStage" with
      // "the parameters using the v1.0 endpoint" (Entra's dynamic approval page), whose subject sets
      // name userId and groupId; the beta types have singleUser and groupMembers only as userSets (id).
      // The same page's own example writes beta's shape (id, isBackup): which one beta takes is unconfirmed.
      'microsoft.graph.singleUser': { properties: { userId: 'string' }, page: 'https://learn.microsoft.com/en-us/entra/id-governance/entitlement-management-dynamic-approval' },
      'microsoft.graph.groupMembers': { properties: { groupId: 'string' }, page: 'https://learn.microsoft.com/en-us/entra/id-governance/entitlement-management-dynamic-approval' },
    },
    enumMembers: {
      // The stage a dynamic approval's callout and resume name: beta's resume example writes it.
      'microsoft.graph.accessPackageCustomExtensionStage': {
        members: ['assignmentRequestDeterminingApprovalRequirements'],
        page: 'https://learn.microsoft.com/en-us/graph/api/accesspackageassignmentrequest-resume?view=graph-rest-beta',
      },
    },
    bases: {
      // The same callback's approvalStage: beta's accessPackageApprovalStage declares its approvers as subjectSets,
      // as v1.0 does, but beta's singleUser, groupMembers, requestorManager and the sponsors are userSets, which
      // beta's types do not derive from subjectSet (v1.0's are subjectSets). "The parameters using the v1.0
      // endpoint" name them in that place, so beta's userSets stand where it declares a subjectSet.
      'microsoft.graph.userSet': { base: 'microsoft.graph.subjectSet', page: 'https://learn.microsoft.com/en-us/entra/id-governance/entitlement-management-dynamic-approval' },
    },
  },
};

import type * as V1 from '@microsoft/microsoft-graph-types';
import type { Keyed, OrUndefined, Present } from '../graph/graph-types.js';
import type { DirectoryRef } from './directory-ref.js';

/**
 * An access package assignment of the target (GET …/entitlementManagement/assignments); its state
 * is delivering | partiallyDelivered | delivered | expired | deliveryFailed … as Graph says.
 */
export interface PackageAssignment
  extends Present<Pick<V1.AccessPackageAssignment, 'id' | 'state'>>,
    Keyed<V1.AccessPackageAssignment, 'accessPackage', DirectoryRef> {}

/** An assignment request of the target's (GET …/entitlementManagement/assignmentRequests). */
export interface PackageRequest
  extends Present<Pick<V1.AccessPackageAssignmentRequest, 'id' | 'state' | 'requestType'>>,
    Keyed<V1.AccessPackageAssignmentRequest, 'accessPackage', DirectoryRef> {}

/** A resource role an access package hands out (its resourceRoleScopes). */
export type PackageGrant =
  | { readonly kind: 'group'; readonly groupId: string; readonly role: string; readonly displayName: string | undefined }
  | { readonly kind: 'appRole'; readonly servicePrincipalId: string; readonly appRoleId: string; readonly displayName: string | undefined; readonly resourceDisplayName: string | undefined }
  | { readonly kind: 'other'; readonly originSystem: string; readonly displayName: string | undefined };

/** The requested access package and what it grants. */
export interface RequestedPackage extends DirectoryRef {
  readonly grants: readonly PackageGrant[];
}

/**
 * An Entra directory role assignment (active) or eligibility schedule (PIM): its scope ('/' when
 * Graph gave none) and the window of its scheduleInfo (start, expiration's end).
 */
export interface RoleHolding
  extends Present<Pick<V1.UnifiedRoleAssignment, 'id' | 'directoryScopeId'>>,
    OrUndefined<Pick<V1.RequestSchedule, 'startDateTime'>>,
    OrUndefined<Pick<V1.ExpirationPattern, 'endDateTime'>> {
  /** Graph's roleDefinitionId: the role template id for built-in roles. */
  readonly roleTemplateId: string;
}

/** An app role assignment of the user or of a group the user is a direct member of. */
export interface AppRoleHolding
  extends Present<Pick<V1.AppRoleAssignment, 'id' | 'appRoleId' | 'resourceId' | 'principalType' | 'principalId'>>,
    OrUndefined<Pick<V1.AppRoleAssignment, 'resourceDisplayName' | 'principalDisplayName'>> {}

/** The facts that make up what a user holds, for separation of duties. */
export interface HoldingFactValues {
  readonly targetPackageAssignments: readonly PackageAssignment[];
  readonly targetPackageRequests: readonly PackageRequest[];
  readonly requestedPackage: RequestedPackage;
  readonly targetGroups: readonly DirectoryRef[];
  readonly targetDirectGroups: readonly DirectoryRef[];
  readonly targetActiveRoles: readonly RoleHolding[];
  readonly targetEligibleRoles: readonly RoleHolding[];
  readonly targetAppRoles: readonly AppRoleHolding[];
}

import type { DirectoryRef } from './fact-types.js';

/** An access package assignment of the target (GET …/entitlementManagement/assignments). */
export interface PackageAssignment {
  readonly id: string;
  /** delivering | partiallyDelivered | delivered | expired | deliveryFailed … as Graph says. */
  readonly state: string;
  readonly accessPackage: DirectoryRef;
}

/** An assignment request of the target's (GET …/entitlementManagement/assignmentRequests). */
export interface PackageRequest {
  readonly id: string;
  readonly state: string;
  readonly requestType: string;
  readonly accessPackage: DirectoryRef;
}

/** A resource role an access package hands out (its resourceRoleScopes). */
export type PackageGrant =
  | { readonly kind: 'group'; readonly groupId: string; readonly role: string; readonly displayName: string | undefined }
  | { readonly kind: 'appRole'; readonly servicePrincipalId: string; readonly appRoleId: string; readonly displayName: string | undefined; readonly resourceDisplayName: string | undefined }
  | { readonly kind: 'other'; readonly originSystem: string; readonly displayName: string | undefined };

/** The requested access package and what it grants. */
export interface RequestedPackage extends DirectoryRef {
  readonly grants: readonly PackageGrant[];
}

/** An Entra directory role assignment (active) or eligibility schedule (PIM). */
export interface RoleHolding {
  readonly id: string;
  readonly roleTemplateId: string;
  readonly directoryScopeId: string;
  readonly startDateTime: string | undefined;
  readonly endDateTime: string | undefined;
}

/** An app role assignment of the user or of a group the user is a direct member of. */
export interface AppRoleHolding {
  readonly id: string;
  readonly appRoleId: string;
  readonly resourceId: string;
  readonly resourceDisplayName: string | undefined;
  readonly principalType: string;
  readonly principalId: string;
  readonly principalDisplayName: string | undefined;
}

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

// Microsoft Graph application permissions of the function's identity: the reads the enabled
// checks make (docs/checks/*.md, docs/scan.md) and, only when leastPrivilege is false, the right to
// resume tenant-wide. Nothing is deployed here: granted in the same deployment that creates the
// identity, the grant fails until the directory has replicated its service principal
// (microsoftgraph/msgraph-bicep-types#193), so azd's postprovision hook (npm run grant-permissions)
// grants this list once the service principal can be found, and skips what is already granted.
// It resolves each name to Microsoft Graph's app role id from Graph's own service principal.
param leastPrivilege bool
param enableLifecycleWorkflows bool
param enableSeparationOfDuties bool
param enableRiskyUserCheck bool
param enableLeaveDateCondition bool
param enableScheduledScan bool

// The scan reads roles too, so it implies the separation-of-duties reads.
var sodReads = enableSeparationOfDuties || enableScheduledScan

// Each permission with the options that call for it; `when` stays a plain boolean expression.
var permissionRules = [
  { permission: 'User.Read.All', when: true }
  // Least privilege (default): read tenant-wide, and resume through the catalog-scoped "Access
  // package assignment manager" role the register command assigns in each catalog...
  { permission: 'EntitlementManagement.Read.All', when: leastPrivilege }
  // ...or, opted in, resume (and read) tenant-wide.
  { permission: 'EntitlementManagement.ReadWrite.All', when: !leastPrivilege }
  // Lifecycle Workflows: with least privilege none; the function resumes as an authorized app of the
  // task extension (callbackConfiguration.authorizedApps, written by the register command).
  { permission: 'LifecycleWorkflows.ReadWrite.All', when: enableLifecycleWorkflows && !leastPrivilege }
  { permission: 'IdentityRiskyUser.Read.All', when: enableRiskyUserCheck }
  { permission: 'User-LifeCycleInfo.Read.All', when: enableLeaveDateCondition }
  { permission: 'RoleManagement.Read.Directory', when: sodReads }
  { permission: 'RoleEligibilitySchedule.Read.Directory', when: sodReads }
  // A user's app role assignments (GET /users/{id}/appRoleAssignments, the separation-of-duties
  // check's app role holdings): Directory.Read.All is the least privileged application permission
  // Graph documents for that read; User.Read.All and Application.Read.All do not cover it.
  { permission: 'Directory.Read.All', when: sodReads }
  { permission: 'GroupMember.Read.All', when: enableScheduledScan }
  { permission: 'Application.Read.All', when: enableScheduledScan }
]
var granted = map(filter(permissionRules, rule => rule.when), rule => rule.permission)

output permissions array = granted

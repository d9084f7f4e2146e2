// Microsoft Graph application permissions of the function's identity: the reads the enabled
// checks make (docs/checks/*.md, docs/scan.md) and the right to resume requests.
extension microsoftGraphV1

param principalId string
param leastPrivilege bool
param enableLifecycleWorkflows bool
param enableSeparationOfDuties bool
param enableRiskyUserCheck bool
param enableLeaveDateCondition bool
param enableScheduledScan bool

// App role ids of Microsoft Graph's application permissions: the one place they are written.
var graphAppRoles = {
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214'
  'EntitlementManagement.ReadWrite.All': '9acd699f-1e81-4958-b001-93b1d2506e19'
  'EntitlementManagement.Read.All': 'c74fd47d-ed3c-45c3-9a9e-b8676de685d2'
  'LifecycleWorkflows.ReadWrite.All': '5c505cf4-8424-4b8e-aa14-ee06e3bb23e3'
  'IdentityRiskyUser.Read.All': 'dc5007c0-2d7d-4c42-879c-2dab87571379'
  'User-LifeCycleInfo.Read.All': '8556a004-db57-4d7a-8b82-97a13428e96f'
  'RoleManagement.Read.Directory': '483bed4a-2ad3-4361-a73b-c83ccdbdc53c'
  'RoleEligibilitySchedule.Read.Directory': 'ff278e11-4a33-4d0c-83d2-d01dc58929a5'
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61'
  'GroupMember.Read.All': '98830695-27a2-44f7-8c18-0c3ebc9698f6'
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30'
}

// The scan reads roles too, so it implies the separation-of-duties reads.
var sodReads = enableSeparationOfDuties || enableScheduledScan

// Each permission with the options that call for it; `when` stays a plain boolean expression.
var permissionRules = [
  { permission: 'User.Read.All', when: true }
  // Resume (and every entitlement management read) tenant-wide...
  { permission: 'EntitlementManagement.ReadWrite.All', when: !leastPrivilege }
  // ...or read tenant-wide, and resume through the catalog-scoped role the register command assigns.
  { permission: 'EntitlementManagement.Read.All', when: leastPrivilege }
  { permission: 'LifecycleWorkflows.ReadWrite.All', when: enableLifecycleWorkflows }
  { permission: 'IdentityRiskyUser.Read.All', when: enableRiskyUserCheck }
  { permission: 'User-LifeCycleInfo.Read.All', when: enableLeaveDateCondition }
  { permission: 'RoleManagement.Read.Directory', when: sodReads }
  { permission: 'RoleEligibilitySchedule.Read.Directory', when: sodReads }
  { permission: 'Directory.Read.All', when: sodReads }
  { permission: 'GroupMember.Read.All', when: enableScheduledScan }
  { permission: 'Application.Read.All', when: enableScheduledScan }
]
var granted = map(filter(permissionRules, rule => rule.when), rule => rule.permission)

resource microsoftGraph 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: '00000003-0000-0000-c000-000000000000'
}

resource grants 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for permission in granted: {
    appRoleId: graphAppRoles[permission]
    principalId: principalId
    resourceId: microsoftGraph.id
  }
]

output permissions array = granted

export const REGISTER_USAGE = `Usage: npm run register -- --catalog <catalog id> [--policy <assignment policy id> ... --stage <stage> ...] [options]

Registers entitlement-guard with Entra: creates or updates the catalog's custom extension that
calls the relay Logic App (PoP tokens, launch and wait), attaches it to the assignment policies'
stages, gives the function's identity the catalog role it resumes with (least privilege, the
default), and with --lcw registers a Lifecycle Workflows custom task extension that authorizes the
function's app to resume its tasks. Every object written is read back and compared
with what was meant; a difference fails the run naming the property. A second run changes
nothing and says so.

  --catalog <id>                 the access package catalog (its custom extension, its policies)
  --relay-subscription <id>      the relay Logic App's subscription (default: AZURE_SUBSCRIPTION_ID)
  --relay-resource-group <name>  its resource group (default: RELAY_RESOURCE_GROUP)
  --relay-name <name>            its name (default: RELAY_LOGIC_APP_NAME)
  --name <display name>          the extension's display name, how it is found again (default: entitlement-guard)
  --callback <ISO 8601>          how long Entra waits for the resume, PT5M to P14D (default: PT1H)
  --policy <id>                  an assignment policy of the catalog's packages (repeat for more)
  --stage <stage>                a stage of each --policy that calls the extension (repeat for more):
                                 assignmentRequestCreated, assignmentRequestApproved,
                                 assignmentRequestGranted, assignmentRequestRemoved
  --dynamic-approval             each --policy's approvers are decided by the extension
                                 (assignmentRequestDeterminingApprovalRequirements; written in beta)
  --least-privilege              the default, said out loud: give the function's identity the catalog
                                 role "Access package assignment manager" (no EntitlementManagement.ReadWrite.All),
                                 and with --lcw list its app in the task extension's authorizedApps
  --broad-permissions            the opt-in: the deployment granted EntitlementManagement.ReadWrite.All
                                 (and LifecycleWorkflows.ReadWrite.All); no role, no authorizedApps
                                 (default: on when LEAST_PRIVILEGE is false, as azd sets it)
  --function-identity <id>       the function identity's object id (default: FUNCTION_IDENTITY_PRINCIPAL_ID)
  --function-client-id <id>      its app (client) id, for --lcw (default: FUNCTION_IDENTITY_CLIENT_ID)
  --lcw                          also register a Lifecycle Workflows custom task extension
  --lcw-callback <ISO 8601>      its callback window, PT5M to PT3H (default: PT1H)
  --unregister                   undo: take the extension off the --policy list, delete it, remove the
                                 role assignment (least privilege) and with --lcw the task extension
  --what-if                      read the tenant and print every Graph write it would make; write nothing
  --json                         print the result as JSON
  --tenant <file>                tenant file for the in-process tenant emulator (default: emulator/tenants/contoso.json)
  --live --tenant-id <id>        a real tenant instead, with your own sign-in (DefaultAzureCredential)
  --graph <origin>               Graph origin for --live (default https://graph.microsoft.com)
  --help                         this text

PIM: npm run register -- --pim --resource-type <entraGroups | entraRoles | azureResources> [--link <id> ...]
registers PIM's custom extension (calling /api/pim) and links it to role settings; see
npm run register -- --pim --help.

Exit codes: 0 done (or nothing to change), 1 Graph, a permission or the sign-in failed, or Graph
holds a write otherwise than it was written,
2 bad arguments, a catalog or policy that does not exist, a stage or policy that cannot take the extension.`;

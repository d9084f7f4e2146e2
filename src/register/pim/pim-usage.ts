export const PIM_REGISTER_USAGE = `Usage: npm run register -- --pim --resource-type <entraGroups | entraRoles | azureResources> [--link <id> ...] [options]

Registers entitlement-guard with PIM: creates or updates one PIM custom extension
(roleManagementCustomCalloutExtension, Graph beta) for the resource type, calling
https://<function host>/api/pim with Entra tokens for the API's application ID URI, and links it
to the role settings named with --link ("Require pre-approval custom extension to activate").
Every object written is read back and compared with what was meant; a second run changes
nothing and says so. Without --link (and always for Azure resources, whose role settings are in
Azure Resource Manager, not Graph) the run prints the portal steps that link it.

  --resource-type <type>     entraGroups (PIM for Groups), entraRoles (Microsoft Entra roles) or
                             azureResources (Azure resource roles); one extension per type
  --function-host <host>     the function app's host name (default: the host of FUNCTION_APP_URL)
  --client-id <id>           the API app registration's client id (default: API_CLIENT_ID)
  --resource-id <URI>        the API's application ID URI, PIM's token audience (default:
                             API_PIM_IDENTIFIER_URI, else api://<function host>/<client id>); PIM
                             requires its host to be the endpoint's host and its end the client id
  --name <display name>      the extension's name, how it is found again
                             (default: "entitlement-guard (<resource type>)")
  --timeout-ms <ms>          how long PIM waits for the answer (default 10000); must stay above the
                             function's PIM_DEADLINE_MS (default 9000 ms; read from the environment
                             when set), or PIM gives up before the function answers
  --retries <n>              how often PIM retries a failed call (default 3)
  --link <id>                a role whose activation calls the extension (repeat for more): a
                             directory role's definition id (entraRoles) or a group id (entraGroups)
  --access <member|owner>    the group role --link names (default member)
  --unregister               undo: unlink the --link roles, then delete the extension
  --what-if                  read the tenant and print every Graph write it would make; write nothing
  --json                     print the result as JSON
  --tenant <file>            tenant file for the in-process tenant emulator (default: emulator/tenants/contoso.json)
  --live --tenant-id <id>    a real tenant instead, with your own sign-in (DefaultAzureCredential)
  --graph <origin>           Graph origin for --live (default https://graph.microsoft.com)
  --help                     this text

Permissions: PrivilegedAccess-CustomExt.ReadWrite.All (Privileged Role Administrator); to link,
RoleManagementPolicy.ReadWrite.Directory (roles) or RoleManagementPolicy.ReadWrite.AzureADGroup (groups).

Exit codes: 0 done (or nothing to change), 1 Graph, a permission or the sign-in failed, or Graph
holds a write otherwise than it was written, 2 bad arguments (an unknown resource type, a
resource id whose host is not the function's), a role or group without a PIM policy, or a role
already calling another extension.`;

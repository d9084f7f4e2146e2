import { REQUEST_TYPES } from '../request-types.js';

/** The request types for the usage, a few to a line under the option's description. */
const REQUEST_TYPE_USAGE = ['userAdd (default)', ...REQUEST_TYPES.filter((t) => t !== 'userAdd')]
  .map((t, i, all) => `${t}${i === all.length - 1 ? ' (any casing)' : ','}${i % 5 === 4 ? '\n                              ' : ''}`)
  .join(' ');

/** `npm run what-if -- --help`. */
export const USAGE = `Usage: npm run what-if -- --user <object id or UPN> --package <access package id> [options]
       npm run what-if -- --user <object id or UPN> --role <role definition id> [--scope <directory scope>] [activation options]
       npm run what-if -- --user <object id or UPN> --group <group id> [--access member|owner] [activation options]
       npm run what-if -- --user <object id or UPN> --azure-role <ARM role definition id | GUID> --azure-scope <ARM scope> [activation options]

Evaluates the policy for a user requesting an access package, or activating a role in PIM,
without any callout: builds the callout Entra (or the activation PIM) would send, reads the
directory as the function does, runs the checks, and prints what the stage would answer (or what
PIM would get: Approved, AutoApproved or Denied). Nothing is resumed or written.

  --user <id | UPN>            the user who would request or activate (target and requestor)

An access package request:
  --package <id>               the access package
  --stage <stage>              assignmentRequestCreated (default), assignmentRequestDeterminingApprovalRequirements,
                               assignmentRequestApproved, assignmentRequestGranted or assignmentRequestRemoved
  --request-type <type>        ${REQUEST_TYPE_USAGE}
  --catalog <id>               the package's catalog, when Graph cannot expand it on the package
  --assignment-policy <id>     the assignment policy the request comes through (for scopes that match on it)

A PIM activation (one of --role, --group, --azure-role):
  --role <id>                  a Microsoft Entra role definition (template) id, e.g. fe930be7-5e62-47db-91af-98c3a49a38b1
  --scope <directory scope>    where --role applies: / (default), /administrativeUnits/<id> or /<application id>
  --group <id>                 a group in PIM for Groups
  --access member|owner        what of --group is activated (default member)
  --azure-role <id | GUID>     an Azure role definition: its ARM id (…/providers/Microsoft.Authorization/roleDefinitions/<guid>)
                               or its GUID (made into the ARM id under --azure-scope's subscription)
  --azure-scope <ARM scope>    where --azure-role applies, e.g. /subscriptions/<id>/resourceGroups/<name>
  --justification <text>       the user's justification (default none)
  --ticket <system>:<number>   the ticket, e.g. ServiceNow:CHG0012345 (a number alone names no system; default none)
  --duration <ISO 8601>        how long the activation lasts (default PT8H)
  --start <ISO 8601 instant>   when it starts, with Z or an offset, e.g. 2031-01-07T10:00:00Z (default now)

Both:
  --policy <file>              the policy (default: POLICY_PATH, else policy/policy.json)
  --json                       print the evaluation as JSON
  --tenant <file>              tenant file for the in-process tenant emulator (default: emulator/tenants/contoso.json)
  --live --tenant-id <id>      read a real tenant instead, read-only, with your own credential (DefaultAzureCredential)
  --graph <origin>             Graph origin for --live (default https://graph.microsoft.com)
  --help                       this text

Exit codes: 0 evaluated, 1 Graph or the credential failed, 2 bad arguments, unknown user or package, bad policy.`;

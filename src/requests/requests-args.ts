import { parseIsoDuration, type IsoDuration } from '../checks/support/iso-duration.js';
import { parseCommand, readFlags, UsageError, type ParsedCommand } from '../cli/command-line.js';
import { ledgerArg, sourceArg, type LedgerArg } from '../cli/source-args.js';
import { parseGuid, type Guid } from '../guid.js';
import { TENANT_SOURCE_OPTIONS, type TenantSource } from '../tenant-source.js';

/** The display name `npm run register` gives the custom extension unless told otherwise. */
export const DEFAULT_EXTENSION_NAME = 'entitlement-guard';

/** Which custom extension is ours: by id, or by display name in the catalogs read. */
export type OurExtensionArg = { readonly kind: 'id'; readonly id: Guid } | { readonly kind: 'name'; readonly name: string };

export interface RequestsArgs {
  readonly catalogId: Guid | undefined;
  readonly packageId: Guid | undefined;
  readonly extension: OurExtensionArg;
  /** Only requests created longer ago than this (their text as given, for the output). */
  readonly olderThan: { readonly text: string; readonly duration: IsoDuration } | undefined;
  /** Also the requests whose callout of ours Entra gave up on (callbackTimedOut, calloutFailed). */
  readonly timedOut: boolean;
  /** The decision ledger: --ledger, else DECISION_LEDGER_URL; undefined: none (a "no ledger" column). */
  readonly ledger: LedgerArg | undefined;
  readonly json: boolean;
  readonly source: TenantSource;
}

export type ParsedRequestsArgs = ParsedCommand<RequestsArgs>;

export const REQUESTS_USAGE = `Usage: npm run requests -- [--catalog <id>] [--package <id>] [options]

Lists the assignment requests that wait on our custom extension (a callout instance of it open:
calloutSent or waitingForCallback), in one catalog, for one access package, or in every catalog:
each with the stage it waits at, its callout instances' statuses, its age against the
extension's callback window (e.g. 42m of PT1H) and the decision ledger's entry. Reads only.

  --catalog <id>               only requests waiting on our extension in this catalog
  --package <id>               only requests for this access package
  --extension <id>             our custom extension by id
  --name <display name>        our custom extension by display name (default: ${DEFAULT_EXTENSION_NAME}, as npm run register names it)
  --older-than <ISO 8601>      only requests waiting longer than this (e.g. PT30M, P1D), counted from their creation
  --timed-out                  also requests whose callout of ours timed out or failed (Entra gave up waiting)
  --ledger <table URL>         the decision ledger (default: DECISION_LEDGER_URL; without either, the column says "no ledger")
  --json                       print the requests as JSON
  --tenant <file>              tenant file for the in-process tenant emulator (default: emulator/tenants/contoso.json)
  --live --tenant-id <id>      read a real tenant instead, read-only, with your own credential (DefaultAzureCredential)
  --graph <origin>             Graph origin for --live (default https://graph.microsoft.com)
  --help                       this text

Exit codes: 0 listed (none waiting included), 1 Graph, the ledger or the credential failed,
2 bad arguments, an unknown catalog, package or custom extension, a tenant file that does not load.`;

const OPTIONS = {
  catalog: { type: 'string' },
  package: { type: 'string' },
  extension: { type: 'string' },
  name: { type: 'string' },
  'older-than': { type: 'string' },
  'timed-out': { type: 'boolean' },
  ledger: { type: 'string' },
  json: { type: 'boolean' },
  ...TENANT_SOURCE_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

function optionalGuid(value: string | undefined, flag: string): Guid | undefined {
  if (value === undefined) return undefined;
  const id = parseGuid(value.trim());
  if (id === undefined) throw new UsageError(`${flag} must be a GUID, not "${value}"`);
  return id;
}

function extensionOf(id: string | undefined, name: string | undefined): OurExtensionArg {
  if (id !== undefined && name !== undefined) throw new UsageError('give --extension <id> or --name <display name>, not both');
  const guid = optionalGuid(id, '--extension');
  if (guid !== undefined) return { kind: 'id', id: guid };
  const trimmed = (name ?? DEFAULT_EXTENSION_NAME).trim();
  if (trimmed === '') throw new UsageError('--name must not be empty');
  return { kind: 'name', name: trimmed };
}

function olderThanOf(text: string | undefined): RequestsArgs['olderThan'] {
  if (text === undefined) return undefined;
  const duration = parseIsoDuration(text);
  if (duration === undefined) throw new UsageError(`--older-than must be an ISO 8601 duration such as PT30M or P1D, not "${text}"`);
  return { text: text.trim().toUpperCase(), duration };
}

/** The command line (after `--`) and the environment → what to list, or why not (one line). */
export function parseRequestsArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedRequestsArgs {
  return parseCommand(() => {
    const values = readFlags(argv, OPTIONS, { firstLine: true });
    if (values.help === true) return { kind: 'help' };
    const source = sourceArg(values);
    return {
      kind: 'run',
      args: {
        catalogId: optionalGuid(values.catalog, '--catalog'),
        packageId: optionalGuid(values.package, '--package'),
        extension: extensionOf(values.extension, values.name),
        olderThan: olderThanOf(values['older-than']),
        timedOut: values['timed-out'] === true,
        ledger: ledgerArg(values.ledger, env),
        json: values.json === true,
        source,
      },
    };
  });
}

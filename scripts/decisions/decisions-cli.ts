import { AzureNamedKeyCredential, RestError, TableClient } from '@azure/data-tables';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { CommandError } from '../../src/cli/command-error.js';
import { runCommand } from '../../src/cli/run-command.js';
import { describeError } from '../../src/errors.js';
import { createOperatorCredential } from '../../src/graph/operator-credential.js';
import { Deadline } from '../../src/graph/retry.js';
import { byDecidedAt, decisionsCsv, decisionsJson, decisionsTable } from '../../src/ledger/decisions-cli/format.js';
import { AZURITE_ACCOUNT, AZURITE_KEY, isLocalAzurite, localAzuriteHint } from '../../src/ledger/decisions-cli/local-azurite.js';
import { DECISIONS_USAGE, filterWords, MAX_ENTRIES, parseDecisionsArgs, type DecisionsArgs } from '../../src/ledger/decisions-cli/parse-args.js';
import type { LedgerEntry, LedgerQuery } from '../../src/ledger/ledger.js';
import { createTableLedger } from '../../src/ledger/table-ledger.js';
import { systemClock, type Clock } from '../../src/ports.js';
import type { TenantSource } from '../../src/tenant-source.js';
import { resolveUser } from '../../src/what-if/resolve-subjects.js';
import { WhatIfError } from '../../src/what-if/what-if-error.js';
import { emulatorGraph, liveGraph, type EmulatorOptions } from '../common/tenant-graph.js';

export interface DecisionsIo {
  out(text: string): void;
  err(text: string): void;
}

export type { OpenedEmulator } from '../common/tenant-graph.js';

export interface DecisionsCliOptions extends EmulatorOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * The credential the table is read with, instead of the operator's own sign-in or, for a local
   * Azurite, its published key (tests: the emulator's managed identity, whose tokens Azurite takes).
   */
  readonly tableCredential?: TokenCredential;
  readonly clock?: Clock;
  /** Time between two progress lines while entries are read (default 1 s). */
  readonly progressEveryMs?: number;
  /**
   * A CA (PEM) a local Azurite's certificate is trusted by, besides Node's: the operator's
   * NODE_EXTRA_CA_CERTS, which scripts/decisions.ts carries past its rerun with the emulator's CA.
   */
  readonly ledgerCa?: string;
  /** Most entries one run reads (default MAX_ENTRIES): they are held in memory to be sorted. */
  readonly maxEntries?: number;
}

/** A failure with the exit code it ends the command with. */
class DecisionsError extends CommandError {}

/** The scope of Azure Storage's data plane, whatever the cloud (what @azure/data-tables asks for). */
const STORAGE_SCOPE = 'https://storage.azure.com/.default';
/** Graph time for resolving a UPN: the function's defaults for GRAPH_TIMEOUT_SECONDS and GRAPH_RETRY_BUDGET_SECONDS. */
const GRAPH_TIMEOUT_MS = 10_000;
const GRAPH_BUDGET_MS = 25_000;
/** A local Azurite answers at once or not at all: a few quick retries, not the SDK's 7 s of them. */
const LOCAL_RETRIES = { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 };

const firstLine = (error: unknown): string => describeError(error).split('\n')[0]?.slice(0, 200) ?? '';

/** The operator's sign-in: for the --live tenant, else DefaultAzureCredential's own choice of tenant. */
function operatorCredential(source: TenantSource): TokenCredential {
  return source.kind === 'live' ? createOperatorCredential(source.tenantId) : new DefaultAzureCredential();
}

/** A token for storage now, so a missing sign-in is one line before anything is read, not a failure after retries. */
async function signIn(credential: TokenCredential, source: TenantSource): Promise<void> {
  try {
    await credential.getToken(STORAGE_SCOPE);
  } catch (error) {
    const login = source.kind === 'live' ? `az login --tenant ${source.tenantId}` : 'az login';
    throw new DecisionsError(1, `no token for Azure Storage: sign in (${login}) or set a credential in the environment (${firstLine(error)})`);
  }
}

/**
 * The user's object id for a UPN, read as what-if reads it (src/what-if/resolve-subjects.ts):
 * the emulator by default, the --live tenant with the operator's sign-in. An unknown user is a
 * usage error (exit 2), naming where it was looked for.
 */
async function resolveUpn(upn: string, args: DecisionsArgs, credential: TokenCredential, options: DecisionsCliOptions, clock: Clock): Promise<string> {
  const source = args.source.kind === 'live' ? await liveGraph(args.source.tenantId, args.source.graphBaseUrl, DecisionsError, credential) : await emulatorGraph(args.source.tenantFile, options, DecisionsError);
  try {
    const user = await resolveUser(source.graph, upn, Deadline.after(clock, GRAPH_BUDGET_MS), { clock, timeoutMs: GRAPH_TIMEOUT_MS });
    return user.id;
  } catch (error) {
    if (!(error instanceof WhatIfError)) throw error;
    const hint = error.exitCode === 2 && args.source.kind === 'emulator' ? '; for a real tenant give --live --tenant-id <id>, or give the user\'s object id' : '';
    throw new DecisionsError(error.exitCode, `${error.message.replace(/ in the tenant /, ` in ${source.label} `).replace(/\.$/, '')}${hint}`);
  } finally {
    await source.close();
  }
}

/** What the table said, in one line, with the exit code: a table that is not there is the operator's to fix (2). */
function tableFailure(error: unknown, args: DecisionsArgs, where: string): DecisionsError {
  if (error instanceof RestError) {
    const code = error.response?.headers.get('x-ms-error-code') ?? error.code ?? '';
    const status = error.statusCode;
    const answered = `${String(status ?? 'no answer')}${code === '' ? '' : ` ${code}`}`;
    if (status === 404) return new DecisionsError(2, `${where} does not exist (${answered}); check ${args.ledgerFrom}`);
    if (status === 401 || status === 403) {
      return new DecisionsError(1, `${where} refused the read (${answered}): the signed-in identity needs the Storage Table Data Reader role on the table or its storage account`);
    }
    const hint = status === undefined && isLocalAzurite(args.ledger) ? localAzuriteHint(code) : undefined;
    if (status === undefined) return new DecisionsError(1, `${where} could not be reached (${code === '' ? firstLine(error) : code})${hint === undefined ? '' : `: ${hint}`}`);
    return new DecisionsError(1, `${where} failed the read (${answered})`);
  }
  const why = error instanceof Error ? (error.message.split('\n')[0] ?? '') : firstLine(error);
  return new DecisionsError(1, `reading ${where} failed: ${why.slice(0, 300)}`);
}

/**
 * The ledger's table: Azurite's development account on this machine with Azurite's published key
 * (tests give a credential instead), any other table with `credential`, signed in to first.
 */
async function openTable(args: DecisionsArgs, credential: TokenCredential, options: DecisionsCliOptions): Promise<TableClient> {
  const { accountUrl, table } = args.ledger;
  if (options.tableCredential === undefined && isLocalAzurite(args.ledger)) {
    const trust = options.ledgerCa === undefined ? {} : { agent: new Agent({ ca: [...rootCertificates, options.ledgerCa] }) };
    return new TableClient(accountUrl, table, new AzureNamedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY), { retryOptions: LOCAL_RETRIES, ...trust });
  }
  await signIn(credential, args.source);
  return new TableClient(accountUrl, table, credential);
}

/**
 * The matching entries, oldest first. They are sorted in memory, so a query matching more than
 * the cap stops there (exit 1) and asks to be narrowed, rather than fill the memory.
 */
async function readEntries(args: DecisionsArgs, query: LedgerQuery, table: TableClient, io: DecisionsIo, options: DecisionsCliOptions, clock: Clock): Promise<{ entries: LedgerEntry[]; where: string }> {
  const ledger = createTableLedger(args.ledger, table);
  const every = options.progressEveryMs ?? 1000;
  const cap = options.maxEntries ?? MAX_ENTRIES;
  const entries: LedgerEntry[] = [];
  let lastAt = clock.now();
  try {
    for await (const entry of ledger.list(query)) {
      if (entries.length === cap) {
        throw new DecisionsError(1, `more than ${String(cap)} entries match, too many to sort: narrow the query with --from/--to, --request, --user, --package or --decision`);
      }
      entries.push(entry);
      const now = clock.now();
      if (now - lastAt >= every) {
        lastAt = now;
        io.err(`decisions: ${String(entries.length)} entries read…\n`);
      }
    }
  } catch (error) {
    throw error instanceof DecisionsError ? error : tableFailure(error, args, `the ${ledger.where}`);
  }
  return { entries: entries.sort(byDecidedAt), where: ledger.where };
}

async function run(args: DecisionsArgs, io: DecisionsIo, options: DecisionsCliOptions): Promise<number> {
  const clock = options.clock ?? systemClock;
  const credential = options.tableCredential ?? operatorCredential(args.source);
  const table = await openTable(args, credential, options);
  const userId = args.user === undefined ? undefined : args.user.kind === 'id' ? args.user.id : await resolveUpn(args.user.upn, args, credential, options, clock);
  if (args.user?.kind === 'upn') io.err(`decisions: ${args.user.upn} is user ${userId ?? ''}\n`);
  const query: LedgerQuery = {
    ...(args.request === undefined ? {} : { subject: args.request }),
    ...(userId === undefined ? {} : { targetObjectId: userId }),
    ...(args.packageId === undefined ? {} : { accessPackageId: args.packageId }),
    ...(args.decision === undefined ? {} : { decision: args.decision }),
    ...(args.from === undefined ? {} : { from: args.from }),
    ...(args.to === undefined ? {} : { to: args.to }),
  };
  const { entries, where } = await readEntries(args, query, table, io, options, clock);
  if (args.format === 'json') io.out(decisionsJson(entries));
  else if (args.format === 'csv') io.out(decisionsCsv(entries));
  else io.out(decisionsTable(entries, { where, filters: filterWords(args, userId) }));
  return 0;
}

/**
 * `npm run decisions`: the command line → the ledger's entries that match, as a table, JSON or
 * CSV on stdout, progress on stderr. Returns the exit code: 0 read (also none), 1 the table,
 * Graph or the sign-in failed or more than the cap match, 2 bad arguments, no ledger given, an
 * unknown user or table.
 */
export function decisionsCli(argv: readonly string[], io: DecisionsIo, options: DecisionsCliOptions): Promise<number> {
  return runCommand('decisions', DECISIONS_USAGE, parseDecisionsArgs(argv, options.env), io, async (args) => {
    try {
      return await run(args, io, options);
    } catch (error) {
      if (error instanceof DecisionsError) {
        io.err(`decisions: ${error.message}\n`);
        return error.exitCode;
      }
      throw error;
    }
  });
}

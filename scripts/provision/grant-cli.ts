import type { TokenCredential } from '@azure/identity';
import { parseCommand, readFlags, UsageError, type ParsedCommand } from '../../src/cli/command-line.js';
import { positiveInteger } from '../../src/cli/number-flags.js';
import { runCommand, type CommandIo } from '../../src/cli/run-command.js';
import { describeError } from '../../src/errors.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { createGraphHttp, type GraphHttp } from '../../src/graph/graph-http.js';
import { createOperatorCredential } from '../../src/graph/operator-credential.js';
import { systemClock, type Clock } from '../../src/ports.js';
import { grantAppRoles } from '../../src/provision/grant-app-roles.js';
import { GrantError, OUTPUTS, readGrantSettings } from '../../src/provision/grant-settings.js';

export const GRANT_USAGE = `Usage: npm run grant-permissions [-- --wait <seconds>]

azd's postprovision hook (azure.yaml). Grants the app roles of the two managed identities the
deployment created: the function's identity its Microsoft Graph application permissions
(${OUTPUTS.permissions}), the relay's identity the API's Callout.Invoke. The directory takes
seconds to minutes to know a new identity; until then Graph refuses a grant to it. So this waits
for both service principals and retries such a refusal, printing a line at every look, for at most
--wait seconds (default 600, at most 3600), and grants only what is missing: run it again at will.
It reads the deployment's outputs from the environment (azd sets them for its hooks; outside azd:
set -a; eval "$(azd env get-values)"; set +a first) and signs in as you (azd auth login, az login, or a credential
in the environment). With ${OUTPUTS.entraObjects} false it grants nothing and prints what to grant.

  --wait <seconds>   how long to wait for the directory, 1 to 3600 (default 600)
  --help             this text

Exit codes: 0 done, 1 Graph refused or the wait ran out, 2 an output or flag is wrong.`;

export interface GrantArgs {
  readonly waitSeconds: number;
}

export function parseGrantArgs(argv: readonly string[]): ParsedCommand<GrantArgs> {
  return parseCommand(() => {
    const values = readFlags(argv, { help: { type: 'boolean', short: 'h' }, wait: { type: 'string' } }, { firstLine: true });
    if (values.help === true) return { kind: 'help' };
    if (values.wait !== undefined && values.wait.trim() === '') throw new UsageError('--wait needs a number of seconds');
    return { kind: 'run', args: { waitSeconds: values.wait === undefined ? 600 : positiveInteger(values.wait, '--wait', 3600) } };
  });
}

export interface GrantCliOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  /** Between two looks at the directory (default 10 s). */
  readonly pollMs?: number;
  /** Time one Graph call may take (default 30 s). */
  readonly timeoutMs?: number;
  /** The credential Graph is called with (default: the operator's own sign-in for the tenant). */
  readonly credential?: (tenantId: string) => TokenCredential;
  /** Graph for an origin and credential (default: the Graph client). */
  readonly openGraph?: (origin: string, credential: TokenCredential) => GraphHttp;
}

async function run(args: GrantArgs, io: CommandIo, options: GrantCliOptions): Promise<number> {
  try {
    const settings = readGrantSettings(options.env);
    if (settings.kind === 'manual') {
      io.out(`grant-permissions: the deployment made no Entra objects (${OUTPUTS.entraObjects} false); nothing is granted here. Whoever has the Entra rights grants (infra/README.md, "Without the Graph Bicep extension"):\n`);
      io.out(`  Microsoft Graph application permissions to the function's identity (service principal ${settings.functionPrincipalId}): ${settings.permissions.join(', ')}\n`);
      io.out(`  the API's Callout.Invoke app role to the relay's identity (service principal ${settings.relayPrincipalId})\n`);
      return 0;
    }
    const credential = (options.credential ?? createOperatorCredential)(settings.tenantId);
    const graph = (options.openGraph ?? ((origin, c) => createGraphHttp(createGraphClient(c, origin))))(settings.graphOrigin, credential);
    const outcomes = await grantAppRoles(settings, {
      graph,
      graphOrigin: settings.graphOrigin,
      clock: options.clock ?? systemClock,
      waitMs: args.waitSeconds * 1000,
      pollMs: options.pollMs ?? 10_000,
      timeoutMs: options.timeoutMs ?? 30_000,
      progress: (line) => {
        io.out(`grant-permissions: ${line}\n`);
      },
    });
    const granted = outcomes.filter((o) => o.result === 'granted').length;
    io.out(`grant-permissions: done: ${String(granted)} granted, ${String(outcomes.length - granted)} already granted (tenant ${settings.tenantId} via ${settings.graphOrigin})\n`);
    return 0;
  } catch (error) {
    if (error instanceof GrantError) {
      io.err(`grant-permissions: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`grant-permissions: ${describeError(error).split('\n')[0] ?? 'failed'}\n`);
    return 1;
  }
}

/** The command: its line read first, then the deployment's outputs, then Graph. */
export function grantCli(argv: readonly string[], io: CommandIo, options: GrantCliOptions): Promise<number> {
  return runCommand('grant-permissions', GRANT_USAGE, parseGrantArgs(argv), io, (args) => run(args, io, options));
}

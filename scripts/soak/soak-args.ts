import { existsSync } from 'node:fs';
import { parseCommand, readFlags, UsageError, type ParsedCommand } from '../../src/cli/command-line.js';
import { positiveInteger, rate } from '../../src/cli/number-flags.js';

/** What `npm run soak` runs. */
export interface SoakArgs {
  readonly callouts: number;
  readonly concurrency: number;
  readonly faultRate: number;
  readonly repeatRate: number;
  readonly policy: string | undefined;
  readonly hosts: number;
}

export const SOAK_USAGE = `Usage: npm run soak -- [--callouts 10000] [--concurrency 32] [--fault-rate 0.1] [--repeat-rate 0.05]
                      [--policy <file>] [--hosts 2]

Distinct callouts through local hosts (separate processes sharing one decision ledger in Azurite)
against the tenant emulator, which fails about --fault-rate of Graph calls; verifies every callout
ended with exactly one resume and the first host's memory stayed flat. Exits 1 when either fails.

  --callouts <n>       callouts to send, at least 1 (default 10000)
  --concurrency <n>    callouts in flight at once, at least 1 (default 32)
  --fault-rate <r>     share of Graph calls failed or slowed, 0 to 1 (default 0.1)
  --repeat-rate <r>    share of callouts delivered again, 0 to 1 (default 0.05)
  --policy <file>      the hosts' POLICY_PATH (default: no policy)
  --hosts <n>          local hosts sharing the ledger, 1 to 8 (default 2)
  --help               this text`;

const OPTIONS = {
  callouts: { type: 'string', default: '10000' },
  concurrency: { type: 'string', default: '32' },
  'fault-rate': { type: 'string', default: '0.1' },
  'repeat-rate': { type: 'string', default: '0.05' },
  policy: { type: 'string' },
  hosts: { type: 'string', default: '2' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseSoakArgs(argv: readonly string[]): ParsedCommand<SoakArgs> {
  return parseCommand(() => {
    const flags = readFlags(argv, OPTIONS, { firstLine: true });
    if (flags.help === true) return { kind: 'help' };
    if (flags.policy !== undefined && !existsSync(flags.policy)) throw new UsageError(`--policy: no file at ${flags.policy}`);
    return {
      kind: 'run',
      args: {
        callouts: positiveInteger(flags.callouts, '--callouts'),
        concurrency: positiveInteger(flags.concurrency, '--concurrency'),
        faultRate: rate(flags['fault-rate'], '--fault-rate'),
        repeatRate: rate(flags['repeat-rate'], '--repeat-rate'),
        policy: flags.policy,
        hosts: positiveInteger(flags.hosts, '--hosts', 8),
      },
    };
  });
}

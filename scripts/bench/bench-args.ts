import { parseCommand, readFlags, type ParsedCommand } from '../../src/cli/command-line.js';
import { positiveInteger } from '../../src/cli/number-flags.js';

/** What `npm run bench` runs. */
export interface BenchArgs {
  /** Callouts per latency row without a policy (BENCH_CALLOUTS). */
  readonly callouts: number;
  /** Callouts per sample-policy scenario and PIM activation (BENCH_POLICY_CALLOUTS). */
  readonly policyCallouts: number;
  /** The tenant scan at 25,000 and 50,000 users and the bundle variants' cold imports. */
  readonly more: boolean;
}

export const BENCH_USAGE = `Usage: npm run bench [-- --more]

One table of figures, each the median of repeated runs, each compared in the same run with its
floor, all on loopback against the tenant emulator: callout→answer latency, decisions per second,
cold start and the separation-of-duties evaluation. Takes a few minutes; progress (which
measurement, n of N) goes to stderr. A measurement that gets a bad answer (a status or a body it
must not get) goes on, says what it got in its row, and the bench exits 1.

  --more     also the tenant scan at 25,000 and 50,000 users and the bundle variants' cold imports
  --help     this text

Settings: BENCH_CALLOUTS (default 300) callouts per latency row without a policy;
          BENCH_POLICY_CALLOUTS (default 60) per sample-policy scenario and PIM activation.`;

const OPTIONS = { more: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export function parseBenchArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedCommand<BenchArgs> {
  return parseCommand(() => {
    const flags = readFlags(argv, OPTIONS, { firstLine: true });
    if (flags.help === true) return { kind: 'help' };
    return {
      kind: 'run',
      args: {
        callouts: positiveInteger(env['BENCH_CALLOUTS'] ?? '300', 'BENCH_CALLOUTS'),
        policyCallouts: positiveInteger(env['BENCH_POLICY_CALLOUTS'] ?? '60', 'BENCH_POLICY_CALLOUTS'),
        more: flags.more === true,
      },
    };
  });
}

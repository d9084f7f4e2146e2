import { parseCommand, readFlags, UsageError, type ParsedCommand } from '../../src/cli/command-line.js';
import { positiveInteger } from '../../src/cli/number-flags.js';
import { sourceArg } from '../../src/cli/source-args.js';
import { TENANT_SOURCE_OPTIONS, type TenantSource } from '../../src/tenant-source.js';
import { SAMPLE_POLICY } from '../demo/scenarios.js';

export const SCAN_USAGE = `Usage: npm run scan -- [--policy <file>] [--tenant <tenant-file>] [--out <dir>] [--json] [--concurrency <n>]
       npm run scan -- --live --tenant-id <id> [--graph https://graph.microsoft.com] [--policy <file>] [--out <dir>] [--json]

Finds every separation-of-duties violation that exists now: who holds entitlements on two or
more sides of a rule of the policy's separationOfDuties section.

  --policy <file>       policy document (default: policy/sample.policy.json)
  --tenant <file>       tenant file the in-process tenant emulator serves (default: emulator/tenants/contoso.json)
  --live                read a real tenant instead, read-only (GET), with your own sign-in (DefaultAzureCredential)
  --tenant-id <id>      the tenant to read with --live (a GUID)
  --graph <origin>      Microsoft Graph for that cloud (default: https://graph.microsoft.com)
  --out <dir>           where sod-scan.csv and sod-scan.md are written (default: a new temporary directory)
  --json                print the result as JSON instead of the report
  --concurrency <n>     Graph collections read at once, 1-32 (default: 8)
  --help                this text

Exit codes: 0 scanned (violations or not), 1 Graph or the sign-in failed, 2 bad arguments, policy or tenant file.`;

export type ScanSource = TenantSource;

export interface ScanArgs {
  readonly policyPath: string;
  /** `--policy`, or the default (the sample policy: the deployed policy/policy.json has no rules). */
  readonly policyOrigin: '--policy' | 'default';
  readonly source: ScanSource;
  readonly outDir: string | undefined;
  readonly json: boolean;
  readonly concurrency: number;
}

export type ParsedScanArgs = ParsedCommand<ScanArgs>;

const OPTIONS = {
  policy: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  ...TENANT_SOURCE_OPTIONS,
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The command line, checked: every mistake is one line saying what to change. */
export function parseScanArgs(argv: readonly string[]): ParsedScanArgs {
  return parseCommand(() => {
    const values = readFlags(argv, OPTIONS, { firstLine: true });
    if (values.help === true) return { kind: 'help' };
    const text = (name: 'policy' | 'out') => values[name];
    for (const name of ['policy', 'tenant', 'out', 'tenant-id', 'graph', 'concurrency'] as const) if (values[name]?.trim() === '') throw new UsageError(`--${name} needs a value`);
    const concurrency = values.concurrency === undefined ? 8 : positiveInteger(values.concurrency, '--concurrency', 32);
    const source = sourceArg(values);
    return { kind: 'run', args: { policyPath: text('policy') ?? SAMPLE_POLICY, policyOrigin: text('policy') === undefined ? 'default' : '--policy', source, outDir: text('out'), json: values['json'] === true, concurrency } };
  });
}

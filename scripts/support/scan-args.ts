import { parseArgs } from 'node:util';
import { SAMPLE_POLICY } from './scenarios.js';
import { TENANT_SOURCE_OPTIONS, tenantSourceOf, type TenantSource } from '../../src/tenant-source.js';

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

Exit codes: 0 scanned (violations or not), 1 Graph or the sign-in failed, 2 bad arguments, policy or tenant file.`;

export type ScanSource = TenantSource;

export interface ScanArgs {
  readonly policyPath: string;
  readonly source: ScanSource;
  readonly outDir: string | undefined;
  readonly json: boolean;
  readonly concurrency: number;
}

export type ParsedScanArgs = { readonly kind: 'run'; readonly args: ScanArgs } | { readonly kind: 'help' } | { readonly kind: 'usage-error'; readonly message: string };


/** The command line, checked: every mistake is one line saying what to change. */
export function parseScanArgs(argv: readonly string[]): ParsedScanArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        policy: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        ...TENANT_SOURCE_OPTIONS,
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'usage-error', message: (error as Error).message.split('\n')[0] ?? 'bad arguments' };
  }
  if (values['help'] === true) return { kind: 'help' };
  const text = (name: string) => values[name] as string | undefined;
  const usage = (message: string): ParsedScanArgs => ({ kind: 'usage-error', message });
  for (const name of ['policy', 'tenant', 'out', 'tenant-id', 'graph', 'concurrency']) if (text(name)?.trim() === '') return usage(`--${name} needs a value`);
  const concurrency = text('concurrency') === undefined ? 8 : Number(text('concurrency'));
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) return usage(`--concurrency must be a whole number from 1 to 32, not "${text('concurrency') ?? ''}"`);
  const source = tenantSourceOf(values);
  if ('problem' in source) return usage(source.problem);
  return { kind: 'run', args: { policyPath: text('policy') ?? SAMPLE_POLICY, source, outDir: text('out'), json: values['json'] === true, concurrency } };
}

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { SAMPLE_TENANT_FILE, TenantEmulator, TenantFileError, type PemPair } from '../../emulator/index.js';
import { CHECK_LIST } from '../../src/checks/index.js';
import { runCommand } from '../../src/cli/run-command.js';
import { describeError, isAppError } from '../../src/errors.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { createGraphHttp, type GraphHttp } from '../../src/graph/graph-http.js';
import { createOperatorCredential } from '../../src/graph/operator-credential.js';
import type { Policy } from '../../src/policy/policy-types.js';
import { policyLine, readPolicyFile } from '../../src/policy/read-policy-file.js';
import { systemClock, type Clock } from '../../src/ports.js';
import { runScan } from '../../src/sod/scan/run-scan.js';
import { scanCsv } from '../../src/sod/scan/scan-csv.js';
import { scanJson } from '../../src/sod/scan/scan-json.js';
import { ScanError, type ScanProgress } from '../../src/sod/scan/scan-model.js';
import { scanReport } from '../../src/sod/scan/scan-report.js';
import type { RuleSet } from '../../src/sod/sod-model.js';
import { emulatorCredential } from '../common/emulator-credential.js';
import { parseScanArgs, SCAN_USAGE, type ScanArgs } from './scan-args.js';

export interface ScanIo {
  out(text: string): void;
  err(text: string): void;
}

export interface ScanCliOptions {
  /** The CA the emulator's certificate is issued from; this process must already trust it (NODE_EXTRA_CA_CERTS). */
  readonly emulatorCa?: PemPair;
  readonly clock?: Clock;
  /** Minimum time between two progress lines (default 1 s); a new rule always prints. */
  readonly progressEveryMs?: number;
}

/** A failure with the exit code it ends the command with. */
class ScanCliError extends Error {
  constructor(
    readonly exitCode: 1 | 2,
    message: string,
  ) {
    super(message);
  }
}

/** Violations per rule shown on the terminal; the files carry all of them. */
const TERMINAL_PER_RULE = 50;
/** Per-call timeout of the scan's Graph reads (a page of 999 members is larger than a callout's reads). */
const SCAN_TIMEOUT_MS = 30_000;

interface Source {
  readonly graph: GraphHttp;
  readonly graphOrigin: string;
  /** How the report names the tenant. */
  readonly label: string;
  close(): Promise<void>;
}

/** Refuses anything but GET: the scan only reads, and a live tenant must not be changed by it. */
function readOnly(http: GraphHttp): GraphHttp {
  return {
    send: (call, timeoutMs) => (call.method === 'GET' ? http.send(call, timeoutMs) : Promise.reject(new Error(`the scan sends GET only, not ${call.method} ${call.path}`))),
  };
}

/**
 * The tenant emulator in this process, read through the Graph client as the function reads Graph,
 * with a token from the emulator's managed identity endpoint.
 */
async function emulatorSource(tenantFile: string | undefined, ca: PemPair | undefined): Promise<Source> {
  const file = tenantFile ?? SAMPLE_TENANT_FILE;
  let emulator: TenantEmulator;
  try {
    emulator = await TenantEmulator.start({ tenant: file, ...(ca === undefined ? {} : { ca }) });
  } catch (error) {
    if (error instanceof TenantFileError) throw new ScanCliError(2, error.message.split('\n')[0] ?? error.message);
    throw error;
  }
  return {
    graph: createGraphHttp(createGraphClient(emulatorCredential(emulator), emulator.origin)),
    graphOrigin: emulator.origin,
    label: `tenant emulator (${basename(file)})`,
    close: () => emulator.close(),
  };
}

/** A real tenant, read-only, under the operator's own sign-in; no token stops here, before any read. */
async function liveSource(tenantId: string, graphBaseUrl: string): Promise<Source> {
  const credential = createOperatorCredential(tenantId);
  try {
    await credential.getToken(`${graphBaseUrl}/.default`);
  } catch (error) {
    throw new ScanCliError(1, `no token for ${graphBaseUrl} in tenant ${tenantId}: sign in (az login --tenant ${tenantId}) or set a credential in the environment (${describeError(error).split('\n')[0]?.slice(0, 200) ?? ''})`);
  }
  return { graph: createGraphHttp(createGraphClient(credential, graphBaseUrl)), graphOrigin: graphBaseUrl, label: `tenant ${tenantId} via ${graphBaseUrl}`, close: () => Promise.resolve() };
}

function loadRules(path: string, origin: ScanArgs['policyOrigin']): { policy: Policy; ruleSet: RuleSet } {
  let policy: Policy;
  try {
    // The scan reads only the rules; stage rules of the callout do not apply, so accept what any deployment may.
    policy = readPolicyFile(path, { checks: CHECK_LIST, allowDenyAtApprovedStage: true }, origin);
  } catch (error) {
    if (isAppError(error)) throw new ScanCliError(2, error.message);
    throw error;
  }
  const ruleSet = policy.settings['separationOfDuties'] as RuleSet | undefined;
  if (ruleSet === undefined || ruleSet.rules.length === 0) throw new ScanCliError(2, `policy ${policy.source} has no separationOfDuties rules to scan`);
  return { policy, ruleSet };
}

/** The --out directory, made before the scan so a bad one stops it early; undefined: a temporary one, made once there is something to write. */
function outDirectory(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  try {
    mkdirSync(dir, { recursive: true });
    return resolve(dir);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ScanCliError(2, `--out ${dir} cannot be created (${typeof code === 'string' ? code : 'error'})`);
  }
}

/** Progress on stderr: each rule as it starts, and the reads at most every `everyMs`. */
function progressPrinter(io: ScanIo, clock: Clock, everyMs: number): (p: ScanProgress) => void {
  let lastRule = -1;
  let lastAt = -Infinity;
  return (p) => {
    const now = clock.now();
    if (p.rule === lastRule && now - lastAt < everyMs && p.readsDone !== p.readsTotal) return;
    lastRule = p.rule;
    lastAt = now;
    io.err(`scan: rule ${String(p.rule)}/${String(p.rules)} ${p.ruleId} · entitlement reads ${String(p.readsDone)}/${String(p.readsTotal)}\n`);
  };
}

async function scan(args: ScanArgs, io: ScanIo, options: ScanCliOptions): Promise<number> {
  const { policy, ruleSet } = loadRules(args.policyPath, args.policyOrigin);
  const out = outDirectory(args.outDir);
  const clock = options.clock ?? systemClock;
  const source = args.source.kind === 'live' ? await liveSource(args.source.tenantId, args.source.graphBaseUrl) : await emulatorSource(args.source.tenantFile, options.emulatorCa);
  try {
    io.err(`scan: ${policyLine(args.policyPath, args.policyOrigin, 'the default; --policy for another')}\n`);
    io.err(`scan: ${String(ruleSet.rules.length)} rule(s) of ${policy.source} against ${source.label}\n`);
    const result = await runScan(ruleSet, {
      graph: readOnly(source.graph),
      graphOrigin: source.graphOrigin,
      clock,
      timeoutMs: SCAN_TIMEOUT_MS,
      concurrency: args.concurrency,
      onProgress: progressPrinter(io, clock, options.progressEveryMs ?? 1000),
    });
    const meta = { policy: `${policy.source} (${policy.version})`, tenant: source.label };
    const dir = out ?? mkdtempSync(join(tmpdir(), 'eg-sod-scan-'));
    const csv = join(dir, 'sod-scan.csv');
    const md = join(dir, 'sod-scan.md');
    writeFileSync(csv, scanCsv(result));
    writeFileSync(md, scanReport(result, meta));
    const wrote = `Wrote ${csv} and ${md}\n`;
    if (args.json) {
      io.out(`${JSON.stringify(scanJson(result, meta), null, 2)}\n`);
      io.err(wrote);
    } else {
      io.out(`${scanReport(result, meta, { maxPerRule: TERMINAL_PER_RULE })}\n${wrote}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ScanError) throw new ScanCliError(1, error.message);
    throw error;
  } finally {
    await source.close();
  }
}

/**
 * `npm run scan`: the command line → the scan, its report on stdout (or JSON), the CSV and the
 * report written to --out, progress on stderr. Returns the exit code: 0 scanned, 1 Graph or the
 * sign-in failed, 2 bad arguments, a policy without rules, a tenant file that does not load.
 */
export function scanCli(argv: readonly string[], io: ScanIo, options: ScanCliOptions = {}): Promise<number> {
  return runCommand('scan', SCAN_USAGE, parseScanArgs(argv), io, async (args) => {
    try {
      return await scan(args, io, options);
    } catch (error) {
      if (error instanceof ScanCliError) {
        io.err(`scan: ${error.message}\n`);
        return error.exitCode;
      }
      throw error;
    }
  });
}

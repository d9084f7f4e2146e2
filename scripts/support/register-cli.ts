import { basename } from 'node:path';
import { SAMPLE_TENANT_FILE, TenantEmulator, TenantFileError, type PemPair } from '../../emulator/index.js';
import { describeError } from '../../src/errors.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { createGraphHttp, type GraphHttp } from '../../src/graph/graph-http.js';
import { createOperatorCredential } from '../../src/graph/operator-credential.js';
import { systemClock, type Clock } from '../../src/ports.js';
import { formatRegister, registerJson } from '../../src/register/format-register.js';
import { parseRegisterArgs, type RegisterSource } from '../../src/register/register-args.js';
import { RegisterError } from '../../src/register/register-error.js';
import { REGISTER_USAGE } from '../../src/register/register-usage.js';
import { runRegister } from '../../src/register/run-register.js';
import { emulatorCredential } from './emulator-credential.js';

export interface RegisterIo {
  out(text: string): void;
  err(text: string): void;
}

export interface OpenedEmulator {
  readonly emulator: TenantEmulator;
  close(): Promise<void>;
}

export interface RegisterCliOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The CA the emulator's certificate is issued from; this process must already trust it (NODE_EXTRA_CA_CERTS). */
  readonly emulatorCa?: PemPair;
  /** An emulator for a tenant file instead of a new one (tests keep one across runs, as a tenant keeps its state). */
  readonly openEmulator?: (tenantFile: string) => Promise<OpenedEmulator>;
  readonly clock?: Clock;
  /** Time one Graph call may take (default 10 s) and spend with retries (default 30 s). */
  readonly timeoutMs?: number;
  readonly budgetMs?: number;
  /** Wait before reading a written object again when it does not yet show the write (default 1 s). */
  readonly settleMs?: number;
}

interface Source {
  readonly graph: GraphHttp;
  readonly graphOrigin: string;
  readonly label: string;
  close(): Promise<void>;
}

async function emulatorSource(tenantFile: string | undefined, options: RegisterCliOptions): Promise<Source> {
  const file = tenantFile ?? SAMPLE_TENANT_FILE;
  let opened: OpenedEmulator;
  try {
    if (options.openEmulator !== undefined) opened = await options.openEmulator(file);
    else {
      const emulator = await TenantEmulator.start({ tenant: file, ...(options.emulatorCa === undefined ? {} : { ca: options.emulatorCa }) });
      opened = { emulator, close: () => emulator.close() };
    }
  } catch (error) {
    if (error instanceof TenantFileError) throw new RegisterError(2, error.message.split('\n')[0] ?? error.message);
    throw error;
  }
  const { emulator } = opened;
  // The emulator's managed identity stands in for the operator: its token carries the Graph roles the emulator grants now.
  return { graph: createGraphHttp(createGraphClient(emulatorCredential(emulator), emulator.origin)), graphOrigin: emulator.origin, label: `the tenant emulator (${basename(file)})`, close: () => opened.close() };
}

/** A real tenant under the operator's own sign-in; no token stops here, before any call. */
async function liveSource(tenantId: string, graphBaseUrl: string): Promise<Source> {
  const credential = createOperatorCredential(tenantId);
  try {
    await credential.getToken(`${graphBaseUrl}/.default`);
  } catch (error) {
    throw new RegisterError(1, `no token for ${graphBaseUrl} in tenant ${tenantId}: sign in (az login --tenant ${tenantId}) or set a credential in the environment (${describeError(error).split('\n')[0]?.slice(0, 200) ?? ''})`);
  }
  return { graph: createGraphHttp(createGraphClient(credential, graphBaseUrl)), graphOrigin: graphBaseUrl, label: `tenant ${tenantId} via ${graphBaseUrl}`, close: () => Promise.resolve() };
}

async function openSource(source: RegisterSource, options: RegisterCliOptions): Promise<Source> {
  return source.kind === 'live' ? liveSource(source.tenantId, source.graphBaseUrl) : emulatorSource(source.tenantFile, options);
}

/**
 * `npm run register`: the command line → the registration made (or planned, with --what-if),
 * printed for a person or as JSON. Returns the exit code: 0 done or nothing to change, 1 Graph, a
 * permission or the sign-in failed, 2 bad arguments, a missing catalog or policy, a stage or
 * policy that cannot take the extension, a tenant file that does not load.
 */
export async function registerCli(argv: readonly string[], io: RegisterIo, options: RegisterCliOptions): Promise<number> {
  const parsed = parseRegisterArgs(argv, options.env);
  if (parsed.kind === 'help') {
    io.out(`${REGISTER_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    io.err(`register: ${parsed.message} (npm run register -- --help)\n`);
    return 2;
  }
  const { desired, whatIf, json, source } = parsed.args;
  try {
    const opened = await openSource(source, options);
    try {
      const result = await runRegister(desired, whatIf, {
        graph: opened.graph, graphOrigin: opened.graphOrigin, clock: options.clock ?? systemClock, timeoutMs: options.timeoutMs ?? 10_000, budgetMs: options.budgetMs ?? 30_000, settleMs: options.settleMs ?? 1000,
      });
      io.out(json ? `${JSON.stringify(registerJson(result, opened.label), null, 2)}\n` : formatRegister(result, opened.label));
      return 0;
    } finally {
      await opened.close();
    }
  } catch (error) {
    if (error instanceof RegisterError) {
      io.err(`register: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

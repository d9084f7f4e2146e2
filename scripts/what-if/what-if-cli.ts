import { SAMPLE_TENANT_FILE, TenantFileError, type TenantEmulator } from '../../emulator/index.js';
import { CHECK_LIST } from '../../src/checks/index.js';
import { runCommand } from '../../src/cli/run-command.js';
import { loadConfig } from '../../src/config.js';
import { describeError, isAppError } from '../../src/errors.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { createManagedIdentityCredential } from '../../src/graph/managed-identity.js';
import { createGraphHttp, type GraphHttp } from '../../src/graph/graph-http.js';
import { createOperatorCredential } from '../../src/graph/operator-credential.js';
import type { Policy } from '../../src/policy/policy-types.js';
import { defaultPolicyPath, readPolicyFile } from '../../src/policy/read-policy-file.js';
import { systemClock, type Clock } from '../../src/ports.js';
import { syntheticIds, type SyntheticIds } from '../../src/what-if/build-callout.js';
import { formatActivation } from '../../src/what-if/format-activation.js';
import { formatHuman } from '../../src/what-if/format-human.js';
import { activationJson, whatIfJson } from '../../src/what-if/format-json.js';
import { parseWhatIfArgs, USAGE, type WhatIfArgs } from '../../src/what-if/parse-args.js';
import { runActivationWhatIf } from '../../src/what-if/run-activation.js';
import { runWhatIf } from '../../src/what-if/run-what-if.js';
import type { WhatIfContext } from '../../src/what-if/what-if-context.js';
import { WhatIfError } from '../../src/what-if/what-if-error.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface OpenEmulator {
  readonly emulator: TenantEmulator;
  close(): Promise<void>;
}

export interface CliOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * The tenant emulator for a tenant file, serving a certificate this process trusts (Node reads
   * NODE_EXTRA_CA_CERTS only at start-up; see scripts/what-if.ts), and how to let go of it. One
   * per process: `@azure/identity`'s managed identity keeps its endpoint and tokens process-wide.
   */
  readonly openEmulator: (tenantFile: string) => Promise<OpenEmulator>;
  readonly clock?: Clock;
  /** Fixed made-up ids, for output that does not change between runs. */
  readonly ids?: SyntheticIds;
}

/** The function's defaults for GRAPH_TIMEOUT_SECONDS and GRAPH_RETRY_BUDGET_SECONDS. */
const LIVE_TIMEOUT_MS = 10_000;
const LIVE_BUDGET_MS = 25_000;

interface Source {
  readonly graph: GraphHttp;
  readonly graphBaseUrl: string;
  readonly timeoutMs: number;
  readonly budgetMs: number;
  readonly context: WhatIfContext['source'];
  close(): Promise<void>;
}

/**
 * The tenant emulator in this process, read through the managed identity and the Graph client
 * exactly as the function reads Graph: its settings from the emulator's app environment through
 * loadConfig, and `@azure/identity` finding the identity endpoint in the process environment.
 */
async function emulatorSource(tenantFile: string | undefined, open: CliOptions['openEmulator']): Promise<Source> {
  const file = tenantFile ?? SAMPLE_TENANT_FILE;
  const opened = await open(file);
  const env = opened.emulator.appEnv();
  const saved = { endpoint: process.env['IDENTITY_ENDPOINT'], header: process.env['IDENTITY_HEADER'] };
  process.env['IDENTITY_ENDPOINT'] = env['IDENTITY_ENDPOINT'];
  process.env['IDENTITY_HEADER'] = env['IDENTITY_HEADER'];
  const config = loadConfig(env);
  return {
    graph: createGraphHttp(createGraphClient(createManagedIdentityCredential(config.managedIdentityClientId), config.graphBaseUrl)),
    graphBaseUrl: config.graphBaseUrl,
    timeoutMs: config.graphTimeoutMs,
    budgetMs: config.graphBudgetMs,
    context: { kind: 'emulator', tenantFile: file, graph: config.graphBaseUrl },
    async close() {
      await opened.close();
      for (const [name, value] of [['IDENTITY_ENDPOINT', saved.endpoint], ['IDENTITY_HEADER', saved.header]] as const) {
        if (value === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = value;
      }
    },
  };
}

/** A real tenant under the operator's credential; a sign-in that cannot be had stops here, not after retries. */
async function liveSource(tenantId: string, graphBaseUrl: string): Promise<Source> {
  const credential = createOperatorCredential(tenantId);
  try {
    await credential.getToken(`${graphBaseUrl}/.default`);
  } catch (error) {
    throw new WhatIfError(1, `No token for ${graphBaseUrl} in tenant ${tenantId}: sign in (az login --tenant ${tenantId}) or set a credential in the environment. ${describeError(error).slice(0, 300)}`, { cause: error });
  }
  return {
    graph: createGraphHttp(createGraphClient(credential, graphBaseUrl)),
    graphBaseUrl,
    timeoutMs: LIVE_TIMEOUT_MS,
    budgetMs: LIVE_BUDGET_MS,
    context: { kind: 'live', tenantId, graph: graphBaseUrl },
    close: () => Promise.resolve(),
  };
}

function loadPolicy(args: WhatIfArgs): Policy {
  try {
    return readPolicyFile(args.policyPath, { checks: CHECK_LIST, allowDenyAtApprovedStage: args.allowDenyAtApprovedStage }, args.policyOrigin);
  } catch (error) {
    if (isAppError(error)) throw new WhatIfError(2, error.message, { cause: error });
    throw error;
  }
}

async function openSource(args: WhatIfArgs, open: CliOptions['openEmulator']): Promise<Source> {
  if (args.source.kind === 'live') return liveSource(args.source.tenantId, args.source.graphBaseUrl);
  try {
    return await emulatorSource(args.source.tenantFile, open);
  } catch (error) {
    if (error instanceof TenantFileError) throw new WhatIfError(2, error.message, { cause: error });
    throw error;
  }
}

/** Evaluates what the arguments ask (a package request or a PIM activation) and returns the output. */
async function evaluate(args: WhatIfArgs, options: CliOptions): Promise<string> {
  const policy = loadPolicy(args);
  const source = await openSource(args, options.openEmulator);
  try {
    const services = { graph: source.graph, graphBaseUrl: source.graphBaseUrl, policy, clock: options.clock ?? systemClock, timeoutMs: source.timeoutMs, budgetMs: source.budgetMs };
    const context: WhatIfContext = { source: source.context, policyFile: args.policyPath ?? defaultPolicyPath(), policyOrigin: args.policyOrigin };
    const ids = options.ids ?? syntheticIds();
    if (args.kind === 'activation') {
      const question = { user: args.user, target: args.target, justification: args.justification, ticket: args.ticket, duration: args.duration, start: args.start, requestId: ids.requestId };
      const result = await runActivationWhatIf(question, services);
      return args.json ? json(activationJson(result, context)) : formatActivation(result, context);
    }
    const result = await runWhatIf(
      { user: args.user, packageId: args.packageId, catalogId: args.catalogId, assignmentPolicyId: args.assignmentPolicyId, stage: args.stage, requestType: args.requestType, ids },
      { ...services, allowDenyAtApprovedStage: args.allowDenyAtApprovedStage },
    );
    return args.json ? json(whatIfJson(result, context)) : formatHuman(result, context);
  } finally {
    await source.close();
  }
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * `npm run what-if`: the command line → what the policy would decide on an access package request
 * or a PIM activation, printed for a person or as JSON. Returns the exit code: 0 evaluated, 1
 * Graph or the credential failed, 2 bad arguments, an unknown user or package, a policy or tenant
 * file that does not load.
 */
export function whatIfCli(argv: readonly string[], io: CliIo, options: CliOptions): Promise<number> {
  return runCommand('what-if', USAGE, parseWhatIfArgs(argv, options.env), io, async (args) => {
    try {
      io.out(await evaluate(args, options));
      return 0;
    } catch (error) {
      if (error instanceof WhatIfError) {
        io.err(`what-if: ${error.message}\n`);
        return error.exitCode;
      }
      throw error;
    }
  });
}

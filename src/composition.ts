import { TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { createDecisionMemory } from './callout/decision-memory.js';
import type { CalloutServices } from './callout/handle-callout.js';
import { CHECK_LIST } from './checks/index.js';
import type { Config } from './config.js';
import { PolicyEngine } from './engine/policy-engine.js';
import { compileAnswerValidators } from './facts/answer-validators.js';
import { createFactGatherer } from './facts/gather-facts.js';
import { createGraphClient, graphScope } from './graph/graph-client.js';
import { createManagedIdentityCredential } from './graph/managed-identity.js';
import { createGraphHttp, type GraphHttp } from './graph/graph-http.js';
import { createResumer } from './graph/resumer.js';
import { createCalloutParser } from './ingress/callout-parser.js';
import { createCallerVerifier, pimCallers, type CallerVerifier } from './ingress/caller-verifier.js';
import { SigningKeys } from './ingress/signing-keys.js';
import type { Policy } from './policy/policy-types.js';
import { readPolicyFile } from './policy/read-policy-file.js';
import { systemClock, type Clock } from './ports.js';
import type { DecisionLedger } from './ledger/ledger.js';
import { createMemoryLedger } from './ledger/memory-ledger.js';
import { Recordings } from './ledger/recordings.js';
import { createTableLedger } from './ledger/table-ledger.js';

export interface Deps extends CalloutServices {
  /** The caller check of `POST /api/pim`: PIM's app ids (PIM_CALLER_APP_IDS), the same keys and issuers. */
  readonly pimVerifier: CallerVerifier;
  /** Graph as the function reaches it (its managed identity): the sweep lists waiting requests with it. */
  readonly graphHttp: GraphHttp;
  /**
   * Fetches, in parallel, what the first callout would otherwise wait for one after the other:
   * the tenant's OpenID metadata and signing keys, and the managed identity's Graph token. For
   * start-up; never rejects (a failure here is met again, and answered, by the callout that
   * needs it).
   */
  prefetch(): Promise<void>;
}

/**
 * The ledger's own retries stay short: a callout that cannot record its decision answers 503 and
 * the relay asks again, rather than spending the Graph budget waiting on a table.
 */
const LEDGER_CLIENT = { retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 } } as const;

export interface DepsOverrides {
  readonly clock?: Clock;
  readonly credential?: TokenCredential;
  readonly graphHttp?: GraphHttp;
  /** A loaded policy instead of reading POLICY_PATH. */
  readonly policy?: Policy;
  /** A ledger instead of the one DECISION_LEDGER_URL names. */
  readonly ledger?: DecisionLedger;
}

/**
 * The composition root: reads and validates the policy (a bad one stops start-up here), builds
 * the credential, the Graph client, the key cache, the compiled validators, the fact reader and
 * the resumer once. Nothing here touches the network; the first callout does.
 */
export function createDeps(config: Config, overrides: DepsOverrides = {}): Deps {
  const clock = overrides.clock ?? systemClock;
  const policy = overrides.policy ?? readPolicyFile(config.policyPath, { checks: CHECK_LIST, allowDenyAtApprovedStage: config.allowDenyAtApprovedStage });
  const credential = overrides.credential ?? createManagedIdentityCredential(config.managedIdentityClientId);
  const graphHttp = overrides.graphHttp ?? createGraphHttp(createGraphClient(credential, config.graphBaseUrl));
  const keys = new SigningKeys({
    authorityHost: config.authorityHost,
    tenantId: config.tenantId,
    refreshCooldownMs: config.keyRefreshCooldownMs,
    clock,
  });
  const retry = { clock, timeoutMs: config.graphTimeoutMs };
  return {
    config,
    clock,
    verifier: createCallerVerifier(config, keys),
    pimVerifier: createCallerVerifier(config, keys, pimCallers(config)),
    parser: createCalloutParser(),
    engine: new PolicyEngine(policy, createFactGatherer(graphHttp, compileAnswerValidators(), config.graphBaseUrl, retry), clock),
    resumer: createResumer(graphHttp, retry),
    memory: createDecisionMemory(),
    ledger: overrides.ledger ?? (config.decisionLedger === undefined ? createMemoryLedger() : createTableLedger(config.decisionLedger, new TableClient(config.decisionLedger.accountUrl, config.decisionLedger.table, credential, LEDGER_CLIENT))),
    recordings: new Recordings(),
    graphHttp,
    prefetch: async () => {
      await Promise.allSettled([keys.prefetch(), overrides.graphHttp === undefined ? credential.getToken(graphScope(config.graphBaseUrl)) : undefined]);
    },
  };
}

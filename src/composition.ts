import type { TokenCredential } from '@azure/identity';
import type { CalloutServices } from './callout/handle-callout.js';
import type { Config } from './config.js';
import { createGraphClient, createManagedIdentityCredential } from './graph/graph-client.js';
import { createGraphHttp, type GraphHttp } from './graph/graph-http.js';
import { createResumer } from './graph/resumer.js';
import { createCalloutParser } from './ingress/callout-parser.js';
import { createCallerVerifier } from './ingress/caller-verifier.js';
import { SigningKeys } from './ingress/signing-keys.js';
import { systemClock, type Clock } from './ports.js';

export type Deps = CalloutServices;

export interface DepsOverrides {
  readonly clock?: Clock;
  readonly credential?: TokenCredential;
  readonly graphHttp?: GraphHttp;
}

/**
 * The composition root: builds the credential, the Graph client, the key cache, the compiled
 * validators and the resumer once. Nothing here touches the network; the first callout does.
 */
export function createDeps(config: Config, overrides: DepsOverrides = {}): Deps {
  const clock = overrides.clock ?? systemClock;
  const graphHttp =
    overrides.graphHttp ??
    createGraphHttp(createGraphClient(overrides.credential ?? createManagedIdentityCredential(config.managedIdentityClientId), config.graphBaseUrl));
  const keys = new SigningKeys({
    authorityHost: config.authorityHost,
    tenantId: config.tenantId,
    refreshCooldownMs: config.keyRefreshCooldownMs,
    clock,
  });
  return {
    config,
    clock,
    verifier: createCallerVerifier(config, keys),
    parser: createCalloutParser(),
    resumer: createResumer(graphHttp, { clock, timeoutMs: config.graphTimeoutMs }),
  };
}

import { app } from '@azure/functions';
import type { TokenCredential } from '@azure/identity';
import { ContainerClient } from '@azure/storage-blob';
import { CHECK_LIST } from '../src/checks/index.js';
import { loadConfig, type Env } from '../src/config.js';
import { AppError } from '../src/errors.js';
import { createGraphClient } from '../src/graph/graph-client.js';
import { createManagedIdentityCredential } from '../src/graph/managed-identity.js';
import { createGraphHttp, type GraphHttp } from '../src/graph/graph-http.js';
import { readPolicyFile } from '../src/policy/read-policy-file.js';
import { systemClock, type Clock, type Logger } from '../src/ports.js';
import { loadScanSettings, type ScanSettings } from '../src/sod/scan/scan-settings.js';
import { runScheduledScan } from '../src/sod/scan/scheduled-scan.js';
import type { RuleSet } from '../src/sod/sod-model.js';
import { registerTimerJob, type RegisterTimer } from './timer-support.js';

export interface SodScanOverrides {
  readonly credential?: TokenCredential;
  readonly graphHttp?: GraphHttp;
  /** A container client of its own (tests: Azurite with its development key). */
  readonly container?: ContainerClient;
  readonly clock?: Clock;
}

export interface SodScanJob {
  readonly settings: ScanSettings;
  run(logger: Logger): Promise<{ blobs: string[]; open: number; exempt: number }>;
}

/**
 * The scheduled separation-of-duties scan, built once at start-up when SOD_SCAN_SCHEDULE is set
 * (undefined otherwise): its settings validated, the policy read like the callout reads it (and
 * refused when it has no separationOfDuties rules), Graph and the blob container both reached
 * with the function's managed identity; no storage keys.
 */
export function createSodScanJob(env: Env, overrides: SodScanOverrides = {}): SodScanJob | undefined {
  const settings = loadScanSettings(env);
  if (settings === undefined) return undefined;
  const config = loadConfig(env);
  const policy = readPolicyFile(config.policyPath, { checks: CHECK_LIST, allowDenyAtApprovedStage: config.allowDenyAtApprovedStage });
  const ruleSet = policy.settings['separationOfDuties'] as RuleSet | undefined;
  if (ruleSet === undefined || ruleSet.rules.length === 0) {
    throw new AppError('CONFIG.INVALID', `entitlement-guard cannot start: SOD_SCAN_SCHEDULE is set but policy ${policy.source} has no separationOfDuties rules to scan.`);
  }
  const credential = overrides.credential ?? createManagedIdentityCredential(config.managedIdentityClientId);
  const graph = overrides.graphHttp ?? createGraphHttp(createGraphClient(credential, config.graphBaseUrl));
  const container = overrides.container ?? new ContainerClient(settings.containerUrl, credential);
  return {
    settings,
    run: (logger) =>
      runScheduledScan({
        ruleSet,
        policy: `${policy.source} (${policy.version})`,
        tenant: `tenant ${config.tenantId} via ${config.graphBaseUrl}`,
        graph,
        graphOrigin: config.graphBaseUrl,
        timeoutMs: config.graphTimeoutMs,
        clock: overrides.clock ?? systemClock,
        container,
        logger,
      }),
  };
}

/** Registers the `sodScan` timer when SOD_SCAN_SCHEDULE is set; a bad setting or policy stops start-up. Returns whether it did. */
export function registerSodScan(env: Env, register: RegisterTimer = app.timer, overrides: SodScanOverrides = {}): boolean {
  const job = createSodScanJob(env, overrides);
  if (job === undefined) return false;
  registerTimerJob(register, 'sodScan', job.settings.schedule, job);
  return true;
}

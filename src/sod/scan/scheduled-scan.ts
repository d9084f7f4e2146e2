import type { ContainerClient } from '@azure/storage-blob';
import { describeError } from '../../errors.js';
import type { GraphHttp } from '../../graph/graph-http.js';
import type { Clock, Logger } from '../../ports.js';
import type { RuleSet } from '../sod-model.js';
import { runScan } from './run-scan.js';
import { scanCsv } from './scan-csv.js';
import { writeScanBlobs } from './scan-blobs.js';
import { ScanError } from './scan-model.js';
import { scanReport } from './scan-report.js';

export interface ScheduledScanDeps {
  readonly ruleSet: RuleSet;
  /** "policy/policy.json (sha256:…)", for the report. */
  readonly policy: string;
  /** "tenant 0c6f… via https://graph.microsoft.com", for the report. */
  readonly tenant: string;
  readonly graph: GraphHttp;
  readonly graphOrigin: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly container: ContainerClient;
  readonly logger: Logger;
}

/**
 * One run of the timer: scans the tenant against the policy's rules and writes the CSV and the
 * report to the blob container. Logged as `sodScan.*` events with the counts; a scan that fails
 * (a missing permission, an invalid answer) is logged with its reason and thrown, so the run
 * shows as failed in the Functions monitor instead of writing a partial report.
 */
export async function runScheduledScan(deps: ScheduledScanDeps): Promise<{ blobs: string[]; open: number; exempt: number }> {
  deps.logger.info('sodScan.started', { rules: deps.ruleSet.rules.length, policy: deps.policy });
  try {
    const result = await runScan(deps.ruleSet, { graph: deps.graph, graphOrigin: deps.graphOrigin, clock: deps.clock, timeoutMs: deps.timeoutMs });
    const meta = { policy: deps.policy, tenant: deps.tenant };
    const blobs = await writeScanBlobs(deps.container, { csv: scanCsv(result), markdown: scanReport(result, meta) }, new Date(result.scannedAt));
    const open = result.rules.reduce((n, r) => n + r.open, 0);
    const exempt = result.rules.reduce((n, r) => n + r.exempt, 0);
    deps.logger.info('sodScan.completed', { open, exempt, ...result.stats, blobs: blobs.join(',') });
    return { blobs, open, exempt };
  } catch (error) {
    const fields = error instanceof ScanError ? { kind: error.kind, ...(error.permission === undefined ? {} : { permission: error.permission }) } : {};
    deps.logger.error('sodScan.failed', { message: describeError(error), ...fields });
    throw error;
  }
}

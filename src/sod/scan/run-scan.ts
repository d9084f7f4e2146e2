import type { GraphHttp } from '../../graph/graph-http.js';
import type { Clock } from '../../ports.js';
import type { RuleSet } from '../sod-model.js';
import { createMemberReader } from './member-reader.js';
import type { ScanProgress, ScanResult } from './scan-model.js';
import type { ScanValidators } from './scan-schemas.js';
import { scanTenant } from './scan-tenant.js';

export interface RunScanOptions {
  readonly graph: GraphHttp;
  /** Origin of Graph (https://graph.microsoft.com, or the emulator's). */
  readonly graphOrigin: string;
  readonly clock: Clock;
  /** Time one Graph call may take before it is abandoned and retried. */
  readonly timeoutMs: number;
  /** Collections read at once (default 8). */
  readonly concurrency?: number;
  /** Time one page may take, retries included (default 2 minutes). */
  readonly pageBudgetMs?: number;
  readonly validators?: ScanValidators;
  readonly onProgress?: (progress: ScanProgress) => void;
}

/** One scan of the tenant against the rules, judged at the clock's present (exemptions, eligibility windows). */
export function runScan(ruleSet: RuleSet, options: RunScanOptions): Promise<ScanResult> {
  const now = options.clock.now();
  const reader = createMemberReader(options.graph, {
    graphOrigin: options.graphOrigin,
    retry: { clock: options.clock, timeoutMs: options.timeoutMs },
    now,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.pageBudgetMs === undefined ? {} : { pageBudgetMs: options.pageBudgetMs }),
    ...(options.validators === undefined ? {} : { validators: options.validators }),
  });
  return scanTenant(ruleSet, reader, { now, ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }) });
}

import type { FaultRule, Faults } from '../../emulator/graph/faults.js';

/**
 * The Graph faults of a soak, each on a random share of Graph calls so that together they hit
 * about `rate` of them: throttling with Retry-After 1, 500, 503, connections dropped before
 * handling and after it (the change applied, the answer lost: the ambiguous resume), and slow
 * answers that still come in under the client timeout.
 */
export function soakFaultRules(rate: number, slowMs: number): FaultRule[] {
  const share = (weight: number) => (rate * weight) / 10;
  const rules: [number, FaultRule['action']][] = [
    [2, { status: 429, retryAfter: 1 }],
    [2, { status: 500 }],
    [2, { status: 503 }],
    [1.5, { drop: 'before-handling' }],
    [1, { drop: 'after-handling' }],
    [1.5, { delayMs: slowMs }],
  ];
  return rules.map(([weight, action]) => ({ service: 'graph', times: Infinity, probability: share(weight), action }));
}

export function addSoakFaults(faults: Faults, rate: number, slowMs: number): void {
  for (const rule of soakFaultRules(rate, slowMs)) faults.add(rule);
}

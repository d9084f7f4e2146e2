import type { TenantEmulator } from '../../emulator/index.js';
import { readFixture, withFreshIds } from '../demo/scenarios.js';
import { deliver, LOGIC_APP_POLICY, type Delivery, type RelayPolicy } from './soak-relay.js';

export interface SoakOptions {
  /** The host, or the hosts (instances sharing a ledger): deliveries and relay retries alternate between them. */
  readonly url: string | readonly string[];
  readonly callouts: number;
  readonly concurrency: number;
  /** Share of distinct callouts delivered a second time once the first delivery ended. */
  readonly repeatRate: number;
  /** 8 hex digits that make this run's ids its own. */
  readonly tag: string;
  readonly relay?: RelayPolicy;
  /** Called after each distinct callout ends, with how many have. */
  readonly onProgress?: (done: number) => void;
}

export interface Sent {
  readonly kind: 'distinct' | 'repeat';
  readonly requestId: string;
  readonly delivery: Delivery;
}

export interface SoakRun {
  readonly sent: Sent[];
  readonly distinctIds: string[];
  readonly wallMs: number;
}

/** Tokens from the emulator last an hour; a fresh one every few minutes keeps long soaks valid. */
function tokenSource(emulator: TenantEmulator): () => Promise<string> {
  let token: Promise<string> | undefined;
  let mintedAt = 0;
  return () => {
    if (token === undefined || Date.now() - mintedAt > 5 * 60_000) {
      token = emulator.mintCallerToken();
      mintedAt = Date.now();
    }
    return token;
  };
}

/**
 * Sends `callouts` distinct request-stage callouts (each made awaited in the emulator first, as
 * Entra does before it calls) through the relay's retry policy, `concurrency` at a time, and
 * re-delivers about `repeatRate` of them after their first delivery ended.
 */
export async function runSoak(emulator: TenantEmulator, options: SoakOptions): Promise<SoakRun> {
  const created = readFixture('elm-request-created.wire.json');
  const token = tokenSource(emulator);
  const repeatEvery = options.repeatRate > 0 ? Math.max(1, Math.round(1 / options.repeatRate)) : 0;
  const sent: Sent[] = [];
  const distinctIds: string[] = [];
  const repeats: { requestId: string; body: string; seq: number }[] = [];
  let next = 1;
  let done = 0;
  const started = performance.now();

  async function worker(): Promise<void> {
    for (;;) {
      const repeat = repeats.shift();
      if (repeat !== undefined) {
        // A repeat lands on another host than its first delivery did, when there is one.
        sent.push({ kind: 'repeat', requestId: repeat.requestId, delivery: await deliver(options.url, await token(), repeat.body, options.relay ?? LOGIC_APP_POLICY, repeat.seq + 1) });
        continue;
      }
      if (next > options.callouts) return;
      const seq = next++;
      const body = withFreshIds(created, options.tag, seq);
      const requestId = String(body['AccessPackageAssignmentRequestId']);
      distinctIds.push(requestId);
      emulator.awaitCallout(body);
      const text = JSON.stringify(body);
      sent.push({ kind: 'distinct', requestId, delivery: await deliver(options.url, await token(), text, options.relay ?? LOGIC_APP_POLICY, seq) });
      // The worker that queues a repeat takes the queue next, so none is left behind.
      if (repeatEvery > 0 && seq % repeatEvery === 0) repeats.push({ requestId, body: text, seq });
      options.onProgress?.(++done);
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { sent, distinctIds, wallMs: performance.now() - started };
}

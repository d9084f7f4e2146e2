// The managed-identity row, shared by two files: MSAL keeps managed identity tokens (and the
// endpoint it found) per process, so a row needs a process whose first token is the one that fails.
import { expect } from 'vitest';
import type { FaultAction } from '../../emulator/graph/faults.js';
import { startTestEmulator } from '../support/emulator.js';
import { deliver, fastApp, freshCallout, resumesOf } from './support.js';

export async function identityOutageThenRecovery(action: FaultAction): Promise<void> {
  const tenant = await startTestEmulator();
  try {
    const deps = fastApp(tenant);
    const callout = freshCallout(tenant, 'fa370001');
    tenant.faults.add({ service: 'identity', times: Infinity, action });
    const failed = await deliver(tenant, deps, callout);
    expect(failed.status).toBe(503);
    expect(Number(failed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // @azure/identity retries a failing endpoint itself, past the call's timeout: the timeout must
    // still be reported as the token wait it cut short, not as Graph's.
    expect(failed.json['code']).toBe('IDENTITY.UNAVAILABLE');
    expect(failed.json['failure']).toBe('identity');
    expect(tenant.calls({ service: 'graph' })).toEqual([]);
    expect(resumesOf(tenant, callout)).toBe(0);

    tenant.faults.clear();
    const retried = await deliver(tenant, deps, callout);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ outcome: 'resumed', decision: 'continue', resume: { attempts: 1, graphStatus: 204 } });
    expect(resumesOf(tenant, callout)).toBe(1);
  } finally {
    await tenant.close();
  }
}

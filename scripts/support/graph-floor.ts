import { Agent, request } from 'node:https';
import type { TenantEmulator } from '../../emulator/index.js';
import { readFixture, withFreshIds } from './scenarios.js';

const created = readFixture('elm-request-created.wire.json');
let sequence = 0;

/** A new callout on the sample request's shape, which the emulator now waits for. */
export function freshCallout(emulator: TenantEmulator, tag = 'cccccccc'): Record<string, unknown> {
  const body = withFreshIds(created, tag, ++sequence);
  emulator.awaitCallout(body);
  return body;
}

function get(agent: Agent, url: string, headers: Record<string, string>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        resolve(text);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A Graph token from the emulator's managed-identity endpoint, as the app's identity gets one. */
export async function managedIdentityToken(emulator: TenantEmulator, resource = emulator.origin): Promise<string> {
  const agent = new Agent({ ca: emulator.caCertPem });
  try {
    const path = `/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(resource)}&client_id=${emulator.managedIdentityClientId}`;
    return (JSON.parse(await get(agent, `${emulator.origin}${path}`, { 'x-identity-header': emulator.identityHeader })) as { access_token: string }).access_token;
  } finally {
    agent.destroy();
  }
}

/** One Graph round trip as the app makes it: HTTPS, keep-alive, bearer token, JSON answer; n of them, in ms. */
export async function graphRoundTrips(emulator: TenantEmulator, n: number): Promise<number[]> {
  const token = await managedIdentityToken(emulator);
  const agent = new Agent({ keepAlive: true, ca: emulator.caCertPem });
  const body = freshCallout(emulator);
  const url = `${emulator.origin}/v1.0/identityGovernance/entitlementManagement/assignmentRequests/${String(body['AccessPackageAssignmentRequestId'])}`;
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await get(agent, url, { authorization: `Bearer ${token}` });
    samples.push(performance.now() - started);
  }
  agent.destroy();
  return samples;
}

import { Agent, request } from 'node:https';
import type { TenantEmulator } from '../../emulator/index.js';
import { RESUME_SOURCE } from '../../src/decision/resume-request.js';
import { readFixture, withFreshIds } from '../demo/scenarios.js';

const created = readFixture('elm-request-created.wire.json');
let sequence = 0;

/** A new callout on the sample request's shape, which the emulator now waits for. */
export function freshCallout(emulator: TenantEmulator, tag = 'cccccccc'): Record<string, unknown> {
  const body = withFreshIds(created, tag, ++sequence);
  emulator.awaitCallout(body);
  return body;
}

function send(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const all = body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const req = request(url, { agent, method, headers: all }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
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

const ELM_REQUESTS = '/v1.0/identityGovernance/entitlementManagement/assignmentRequests';

/** The raw calls a decision makes to Graph, on one keep-alive connection with the identity's token. */
export interface RawGraph {
  /** GET of a request: one round of reads. */
  read(): Promise<void>;
  /** POST of a continue body to a fresh waiting request: the resume. */
  resume(): Promise<void>;
  close(): void;
}

export async function rawGraph(emulator: TenantEmulator): Promise<RawGraph> {
  const token = await managedIdentityToken(emulator);
  const agent = new Agent({ keepAlive: true, ca: emulator.caCertPem });
  const headers = { authorization: `Bearer ${token}` };
  const readUrl = `${emulator.origin}${ELM_REQUESTS}/${String(freshCallout(emulator)['AccessPackageAssignmentRequestId'])}`;
  return {
    read: async () => {
      await get(agent, readUrl, headers);
    },
    resume: async () => {
      const callout = freshCallout(emulator, 'dddddddd');
      const url = `${emulator.origin}${ELM_REQUESTS}/${String(callout['AccessPackageAssignmentRequestId'])}/resume`;
      const body = JSON.stringify({
        source: RESUME_SOURCE,
        type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated',
        data: {
          '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData',
          stage: 'assignmentRequestCreated',
          customExtensionStageInstanceId: callout['CustomExtensionStageInstanceId'],
          customExtensionStageInstanceDetail: 'Continued: no checks apply (floor).',
        },
      });
      const answer = await send(agent, url, 'POST', headers, body);
      if (answer.status !== 204) throw new Error(`the resume floor answered ${String(answer.status)}: ${answer.text.slice(0, 200)}`);
    },
    close: () => {
      agent.destroy();
    },
  };
}

/**
 * The reads a decision made, raw and all at once, on keep-alive connections with the identity's
 * token: one round trip of as many reads (the request-targets as the emulator recorded them).
 */
export async function rawReadRound(emulator: TenantEmulator, targets: readonly string[]): Promise<{ round(): Promise<void>; close(): void }> {
  const token = await managedIdentityToken(emulator);
  const agent = new Agent({ keepAlive: true, ca: emulator.caCertPem });
  const headers = { authorization: `Bearer ${token}`, ConsistencyLevel: 'eventual' };
  return {
    round: async () => {
      await Promise.all(targets.map((target) => get(agent, `${emulator.origin}${target}`, headers)));
    },
    close: () => {
      agent.destroy();
    },
  };
}

// verifyWrite with a Graph that answers the read-back from a fixed object: what counts as written.
import { describe, expect, test } from 'vitest';
import type { GraphHttp } from '../../src/graph/graph-http.js';
import { graphPath } from '../../src/graph/graph-path.js';
import { DYNAMIC_STAGE_TYPE, REQUEST_EXTENSION_TYPE } from '../../src/register/graph-shapes.js';
import { RegisterGraph } from '../../src/register/register-graph.js';
import type { Desired, PlannedCall } from '../../src/register/register-model.js';
import { verifyWrite } from '../../src/register/verify-write.js';

const EXT = '35cd1a4e-0000-4000-8000-000000000001';
const POLICY = '94f213d6-cfa4-4bda-86f9-6bb659b87cb0';
const desired: Desired = {
  mode: 'register', catalogId: '26803898-8c26-4ca8-ba50-15552ecd4c9d', name: 'entitlement-guard', relay: undefined, callback: 'PT1H',
  policies: [POLICY], stages: [], dynamicApproval: true, functionIdentity: undefined, lcw: undefined,
};
const clock = { now: () => 0, sleep: () => Promise.resolve() };

/** A RegisterGraph whose every GET answers `stored`, counting the reads. */
function graphHolding(stored: unknown): { graph: RegisterGraph; reads: () => number } {
  let reads = 0;
  const http: GraphHttp = {
    send: (call) => {
      reads += call.method === 'GET' ? 1 : 0;
      return Promise.resolve({ status: 200, json: stored, retryAfterSeconds: undefined, requestId: undefined });
    },
  };
  return { graph: new RegisterGraph(http, { clock, timeoutMs: 1000, budgetMs: 1000, graphOrigin: 'https://graph.microsoft.com' }), reads: () => reads };
}

const stages = (dynamic: Record<string, unknown>) => ({ requestApprovalSettings: { approvalStages: [dynamic, { durationBeforeAutomaticDenial: 'P7D' }] }, customExtensionStageSettings: [] });
const put: PlannedCall = {
  kind: 'assignment policy', method: 'PUT', version: 'beta', path: graphPath(['identityGovernance', 'entitlementManagement', 'accessPackageAssignmentPolicies', POLICY]), what: 'update policy',
  body: stages({ '@odata.type': DYNAMIC_STAGE_TYPE, customExtension: { '@odata.type': REQUEST_EXTENSION_TYPE, id: EXT } }),
};

describe('the read-back of a beta policy with a dynamic approval stage', () => {
  test('a dynamic stage Graph holds without naming its extension is ours, as the planner reads it', async () => {
    const { graph, reads } = graphHolding(stages({ '@odata.type': DYNAMIC_STAGE_TYPE }));
    await verifyWrite(graph, put, undefined, desired, clock, 1);
    expect(reads()).toBe(1);
  });

  test('a dynamic stage naming another extension, or none at all, is a difference naming approvalStages', async () => {
    const other = graphHolding(stages({ '@odata.type': DYNAMIC_STAGE_TYPE, customExtension: { id: '99999999-0000-4000-8000-000000000009' } }));
    await expect(verifyWrite(other.graph, put, undefined, desired, clock, 1)).rejects.toThrow(/requestApprovalSettings\.approvalStages: Graph holds \[dynamic \(9{8}-[^\]]*; static\]/);
    expect(other.reads()).toBe(3);
    const gone = graphHolding({ requestApprovalSettings: { approvalStages: [{ durationBeforeAutomaticDenial: 'P7D' }] }, customExtensionStageSettings: [] });
    await expect(verifyWrite(gone.graph, put, undefined, desired, clock, 1)).rejects.toThrow('Graph holds [static]');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT, evalString, evaluate, evalVar, type Value } from './support/bicep-eval.js';
import { moduleDeclaration, outputs, param, requireProp, resource, squeeze } from './support/bicep-query.js';
import { REPO, bicepFile, readInfraJson } from './support/bicep-tree.js';

// docs/protocol.md §1–2 and §8: what Entra needs from the relay, read from infra/app/relay.bicep and
// infra/relay/workflow.json.

const EM_APP_ID = '810dcf14-1858-4bf2-8134-4c369fa3235b';
const LCW_APP_ID = 'ce79fdc4-cd1d-4ea5-8139-e74d7dbe0bb7';
const NAME = 'relay-test';
const ISSUER = `https://sts.windows.net/${DEPLOYMENT.tenantId}/`;

interface Action {
  type: string;
  runAfter?: Record<string, string[]>;
  operationOptions?: string;
  inputs: Record<string, unknown> & { headers?: Record<string, string>; retryPolicy?: Record<string, unknown>; authentication?: Record<string, string> };
  runtimeConfiguration?: { secureData?: { properties: string[] } };
}
interface Workflow {
  parameters: Record<string, { type: string }>;
  triggers: Record<string, { type: string; kind: string; inputs: { method: string }; runtimeConfiguration?: Action['runtimeConfiguration'] }>;
  actions: Record<string, Action>;
}
const workflow = readInfraJson('relay/workflow.json') as Workflow;

async function relayPolicies(): Promise<Record<string, { type: string; claims: Record<string, Value> }>> {
  const relay = await bicepFile('app/relay.bicep');
  const workflowResource = resource(relay, 'relay');
  const policies = requireProp(workflowResource.body, 'properties.accessControl.triggers.openAuthenticationPolicies.policies');
  const value = evaluate(relay, policies, { params: { name: NAME, popTokenIssuer: ISSUER } }) as Record<string, { type: string; claims: { name: string; value: Value }[] }>;
  return Object.fromEntries(Object.entries(value).map(([k, p]) => [k, { type: p.type, claims: Object.fromEntries(p.claims.map((c) => [c.name, c.value])) }]));
}

/** Largest wait before each retry of Logic Apps' exponential policy: min(2^(k-1) × interval, max). */
function worstCaseWaits(policy: Record<string, unknown>): number[] {
  const seconds = (iso: unknown) => Number(/^PT(\d+)S$/.exec(String(iso))?.[1] ?? NaN);
  const interval = seconds(policy['interval']);
  const max = seconds(policy['maximumInterval']);
  return Array.from({ length: Number(policy['count']) }, (_, k) => Math.min(2 ** k * interval, max));
}

describe('infra: the relay Logic App', () => {
  it('is a Consumption workflow with a user-assigned identity that receives the callout body', async () => {
    const relay = await bicepFile('app/relay.bicep');
    const workflowResource = resource(relay, 'relay');
    expect(workflowResource.target).toBe('Microsoft.Logic/workflows@2019-05-01');
    expect(squeeze(requireProp(workflowResource.body, 'identity.type'))).toBe("'UserAssigned'");
    expect(squeeze(requireProp(workflowResource.body, 'properties.definition'))).toBe("loadJsonContent('../relay/workflow.json')");
    expect(Object.keys(evaluate(relay, requireProp(workflowResource.body, 'properties.parameters'), { params: { calloutUrl: 'u', apiAudience: 'a', identityId: 'i' } }) as object).sort())
      .toEqual(Object.keys(workflow.parameters).sort());
  });

  it('refuses SAS-signed trigger URLs', async () => {
    const relay = await bicepFile('app/relay.bicep');
    const sas = requireProp(resource(relay, 'relay').body, 'properties.accessControl.triggers.sasAuthenticationPolicy.state');
    expect(evaluate(relay, sas)).toBe('Disabled');
  });

  it('escapes the type check for the one property the 2019-05-01 type lacks, not for the whole access control', async () => {
    const relay = await bicepFile('app/relay.bicep');
    const { body } = resource(relay, 'relay');
    // accessControl is not wrapped in any(): a misspelt policy property is still found by the compiler
    // (and test/infra/resource-types.test.ts). One escape, on sasAuthenticationPolicy alone.
    expect(squeeze(requireProp(body, 'properties'))).not.toMatch(/accessControl: any\(|triggers: any\(|openAuthenticationPolicies: any\(/);
    const escapes = [...relay.text.matchAll(/any\(|#disable-next-line/g)].map((m) => m[0]);
    expect(escapes).toEqual(['#disable-next-line', 'any(']);
    expect(relay.text).toMatch(/#disable-next-line BCP037\n\s+sasAuthenticationPolicy: any\(\{/);
  });

  it('accepts exactly two AADPOP policies: entitlement management and Lifecycle Workflows, bound to its own path', async () => {
    const policies = Object.values(await relayPolicies());
    expect(policies.map((p) => p.type)).toEqual(['AADPOP', 'AADPOP']);
    expect(policies.map((p) => p.claims['appid']).sort()).toEqual([EM_APP_ID, LCW_APP_ID].sort());
    for (const { claims } of policies) {
      expect(claims).toEqual({
        iss: ISSUER,
        appid: claims['appid'],
        m: 'POST',
        u: 'management.azure.com',
        p: `/subscriptions/${DEPLOYMENT.subscriptionId}/resourceGroups/${DEPLOYMENT.resourceGroup}/providers/Microsoft.Logic/workflows/${NAME}`,
      });
    }
  });

  it('gets its issuer from main.bicep: the tenant v1 issuer with its trailing slash', async () => {
    const main = await bicepFile('main.bicep');
    expect(evaluate(main, param(main, 'popTokenIssuer').defaultValue as never)).toBe(ISSUER);
    expect(squeeze(requireProp(moduleDeclaration(main, 'relay').body, 'params.popTokenIssuer'))).toBe('popTokenIssuer');
  });

  it('keeps its resource path within 150 characters for the longest names main.bicep allows (docs/protocol.md §8)', async () => {
    const main = await bicepFile('main.bicep');
    const maxRg = Number(param(main, 'resourceGroupName').decorators.get('maxLength')?.[0]?.text);
    const maxEnv = Number(param(main, 'environmentName').decorators.get('maxLength')?.[0]?.text);
    const path = outputs(main).get('RELAY_RESOURCE_PATH');
    if (path === undefined) throw new Error('no RELAY_RESOURCE_PATH output');
    const cases = [
      { environmentName: 'x'.repeat(maxEnv), resourceGroupName: '' },
      { environmentName: 'x'.repeat(21), resourceGroupName: '' },
      { environmentName: 'x'.repeat(22), resourceGroupName: '' },
      { environmentName: 'env', resourceGroupName: 'r'.repeat(maxRg) },
    ];
    for (const scope of cases) {
      const given = { ...scope, location: 'swedencentral' };
      // `rg` is the resource group resource: its name is the rgName var.
      const full = evalString(main, path, { params: { ...given, rg: { name: evalVar(main, 'rgName', { params: given }) } } });
      expect(full.length, full).toBeLessThanOrEqual(150);
    }
    expect(squeeze(requireProp(moduleDeclaration(main, 'relay').body, 'params.name'))).toBe('relayWorkflowName');
  });

  it('answers Entra 202 at once: the Request trigger with no Response action', () => {
    const triggers = Object.values(workflow.triggers);
    expect(triggers).toHaveLength(1);
    expect(triggers[0]).toMatchObject({ type: 'Request', kind: 'Http', inputs: { method: 'POST' } });
    expect(Object.values(workflow.actions).map((a) => a.type)).toEqual(['Http']);
  });

  it('forwards the body unchanged to /api/callout with its identity\'s token for the API audience, async pattern off', () => {
    const [forward] = Object.values(workflow.actions) as [Action];
    expect(forward.runAfter).toEqual({});
    expect(forward.operationOptions?.split(',').map((o) => o.trim())).toContain('DisableAsyncPattern');
    expect(forward.inputs).toMatchObject({ method: 'POST', uri: "@parameters('calloutUrl')", body: '@triggerBody()' });
    expect(forward.inputs.authentication).toEqual({
      type: 'ManagedServiceIdentity',
      identity: "@parameters('relayIdentity')",
      audience: "@parameters('calloutAudience')",
    });
  });

  it('is pointed at the function\'s /api/callout over https, with the API identifier URI as audience', async () => {
    const main = await bicepFile('main.bicep');
    const relay = moduleDeclaration(main, 'relay').body;
    expect(squeeze(requireProp(relay, 'params.calloutUrl'))).toBe("'https://${functionApp.outputs.defaultHostName}/api/callout'");
    expect(squeeze(requireProp(relay, 'params.apiAudience'))).toBe('apiIdentifierUri');
    expect(squeeze(requireProp(relay, 'params.identityId'))).toBe('identities.outputs.relayIdentityId');
  });

  it('sends correlation headers the function records', () => {
    const [forward] = Object.values(workflow.actions) as [Action];
    const calloutSource = readFileSync(join(REPO, 'functions', 'callout.ts'), 'utf8');
    const sent = Object.keys(forward.inputs.headers ?? {}).filter((h) => h.startsWith('x-ms-'));
    expect(sent).toEqual(expect.arrayContaining(['x-ms-client-tracking-id', 'x-ms-workflow-run-id']));
    for (const header of sent) expect(calloutSource).toContain(`'${header}'`);
  });

  it('retries 408/429/5xx exponentially and finishes within the shortest callback window (5 minutes)', () => {
    const [forward] = Object.values(workflow.actions) as [Action];
    const policy = forward.inputs.retryPolicy ?? {};
    expect(policy['type']).toBe('exponential');
    expect(Number(policy['count'])).toBeGreaterThanOrEqual(1);
    expect(Number(policy['count'])).toBeLessThanOrEqual(90);
    const waits = worstCaseWaits(policy);
    // Each attempt is answered within the function's Graph budget (25 s by default) plus token checks.
    const perAttempt = 35;
    expect(waits.reduce((a, b) => a + b, 0) + (waits.length + 1) * perAttempt).toBeLessThanOrEqual(300);
  });

  it('keeps callout contents out of the run history', () => {
    const [forward] = Object.values(workflow.actions) as [Action];
    expect(forward.runtimeConfiguration?.secureData?.properties).toEqual(expect.arrayContaining(['inputs', 'outputs']));
    for (const trigger of Object.values(workflow.triggers)) expect(trigger.runtimeConfiguration?.secureData?.properties).toContain('outputs');
  });
});

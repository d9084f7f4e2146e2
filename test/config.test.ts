import { describe, expect, test } from 'vitest';
import { loadConfig, REQUIRED_SETTINGS } from '../src/config.js';
import { AppError } from '../src/errors.js';

const valid = {
  AZURE_TENANT_ID: '0C6F5D3E-8A57-4F4E-9B1A-2D7C1A3E5F00',
  CALLOUT_AUDIENCE: 'api://entitlement-guard, 11111111-2222-4333-8444-555555555555',
  ALLOWED_CALLER_APP_IDS: '5e1a7c2b-3d4f-4a6b-8c9d-0e1f2a3b4c5d',
  AZURE_CLIENT_ID: 'a3f2c1d0-9b8e-4d7c-a6b5-c4d3e2f1a0b9',
  IDENTITY_ENDPOINT: 'http://localhost:8081/msi/token',
  IDENTITY_HEADER: 'secret-value',
};

function message(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONFIG.INVALID') return error.message;
    throw error;
  }
  return 'accepted';
}

describe('configuration', () => {
  test('defaults to the global cloud and normalizes ids', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      tenantId: '0c6f5d3e-8a57-4f4e-9b1a-2d7c1a3e5f00',
      authorityHost: 'https://login.microsoftonline.com',
      graphBaseUrl: 'https://graph.microsoft.com',
      calloutAudiences: ['api://entitlement-guard', '11111111-2222-4333-8444-555555555555'],
      requiredCallerRole: undefined,
      allowDenyAtApprovedStage: false,
      graphBudgetMs: 25_000,
      graphTimeoutMs: 10_000,
    });
  });

  test.each([
    ['https://graph.microsoft.us', 'https://login.microsoftonline.us'],
    ['https://dod-graph.microsoft.us', 'https://login.microsoftonline.us'],
    ['https://microsoftgraph.chinacloudapi.cn', 'https://login.chinacloudapi.cn'],
  ])('national cloud %s', (graph, authority) => {
    expect(loadConfig({ ...valid, GRAPH_BASE_URL: `${graph}/`, AZURE_AUTHORITY_HOST: authority })).toMatchObject({ graphBaseUrl: graph, authorityHost: authority });
  });

  test('every missing setting is named at once, and no secret value is echoed', () => {
    const text = message({});
    for (const name of REQUIRED_SETTINGS) expect(text).toContain(name);
    expect(message({ ...valid, IDENTITY_HEADER: '' })).toContain('IDENTITY_HEADER');
    expect(message({ ...valid, AZURE_TENANT_ID: 'contoso.onmicrosoft.com', GRAPH_BASE_URL: 'http://graph.microsoft.com' })).not.toContain('secret-value');
  });

  test.each([
    ['AZURE_TENANT_ID', 'contoso.onmicrosoft.com', 'AZURE_TENANT_ID must be a GUID'],
    ['ALLOWED_CALLER_APP_IDS', 'relay', 'ALLOWED_CALLER_APP_IDS must be a comma-separated list of GUIDs'],
    ['CALLOUT_AUDIENCE', ' , ', 'CALLOUT_AUDIENCE must list at least one value'],
    ['GRAPH_BASE_URL', 'http://graph.microsoft.com', 'GRAPH_BASE_URL must be an https origin'],
    ['GRAPH_BASE_URL', 'https://graph.microsoft.com/v1.0', 'GRAPH_BASE_URL must be an https origin'],
    ['AZURE_AUTHORITY_HOST', 'not a url', 'AZURE_AUTHORITY_HOST must be an https origin'],
    ['ALLOW_DENY_AT_APPROVED_STAGE', 'maybe', 'ALLOW_DENY_AT_APPROVED_STAGE must be true or false'],
    ['GRAPH_RETRY_BUDGET_SECONDS', '1000', 'GRAPH_RETRY_BUDGET_SECONDS must be a number of seconds'],
    ['GRAPH_TIMEOUT_SECONDS', '30', 'GRAPH_TIMEOUT_SECONDS must not exceed GRAPH_RETRY_BUDGET_SECONDS'],
  ])('%s=%s is refused', (name, value, expected) => {
    expect(message({ ...valid, [name]: value })).toContain(expected);
  });

  // Issue 12, item 9: with no cooldown, every token with a forged kid re-reads the tenant's keys.
  test.each(['0', '0.5', '-1'])('SIGNING_KEY_REFRESH_COOLDOWN_SECONDS=%s (under the 1 s minimum) stops start-up, naming the setting', (value) => {
    expect(message({ ...valid, SIGNING_KEY_REFRESH_COOLDOWN_SECONDS: value })).toContain(
      'invalid settings: SIGNING_KEY_REFRESH_COOLDOWN_SECONDS must be a number of seconds between 1 and 3600',
    );
  });

  test('SIGNING_KEY_REFRESH_COOLDOWN_SECONDS: 5 s by default, 1 s the least accepted', () => {
    expect(loadConfig(valid).keyRefreshCooldownMs).toBe(5000);
    expect(loadConfig({ ...valid, SIGNING_KEY_REFRESH_COOLDOWN_SECONDS: '1' }).keyRefreshCooldownMs).toBe(1000);
  });
});

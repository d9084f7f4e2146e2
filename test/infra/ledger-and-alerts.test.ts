import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION_SCHEDULE, retentionSchedule } from '../../functions/ledger-retention.js';
import type { CalloutSummary, DecisionRecord, LedgerNote, Outcome, Timings } from '../../src/callout/decision-record.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_EXTENSION_NAME } from '../../src/requests/requests-args.js';
import { DEFAULT_STUCK_AFTER, loadSweepSettings } from '../../src/sweep/sweep-settings.js';
import type { CheckRun, Finding } from '../../src/engine/run-checks.js';
import { DEPLOYMENT, evaluate, evalVar, type Value } from './support/bicep-eval.js';
import { keys, moduleDeclaration, nestedResources, outputs, param, requireProp, resource, resources, squeeze } from './support/bicep-query.js';
import { REPO, bicepFile, bicepPaths, readInfraJson, type BicepFile } from './support/bicep-tree.js';
import { GUIDS, MODULE_PARAMS } from './support/function-app-params.js';

// Issue 14, "the decision is the record": the ledger's table, the function's access to it, its
// settings, the alerts on the function's events and the decisions workbook.

const TABLE_DATA_CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
const GROUP = `/subscriptions/${DEPLOYMENT.subscriptionId}/resourceGroups/${DEPLOYMENT.resourceGroup}`;
const WORKSPACE_ID = `${GROUP}/providers/Microsoft.OperationalInsights/workspaces/log-test`;
const APP_INSIGHTS_ID = `${GROUP}/providers/Microsoft.Insights/components/appi-test`;
const ALERT_PARAMS: Record<string, Value> = {
  location: 'swedencentral',
  tags: {},
  namePrefix: 'entitlement-guard-test',
  actionGroupName: 'ag-test',
  alertEmail: '',
  logAnalyticsName: 'log-test',
};
const WORKBOOK_PARAMS: Record<string, Value> = {
  location: 'swedencentral',
  tags: { 'azd-env-name': 'test' },
  displayName: 'entitlement-guard decisions (test)',
  logAnalyticsName: 'log-test',
  applicationInsightsName: 'appi-test',
};

// The record's fields the queries read: a rename in the code fails the typecheck here.
const RECORD_FIELDS = ['decision', 'outcome', 'checks', 'timings', 'callout', 'correlation', 'ledger'] as const satisfies readonly (keyof DecisionRecord)[];
const LEDGER_NOTE_FIELDS = ['decidedBy'] as const satisfies readonly (keyof LedgerNote)[];
const CHECK_RUN_FIELDS = ['id', 'findings'] as const satisfies readonly (keyof CheckRun)[];
const FINDING_FIELDS = ['checkId', 'kind', 'action', 'enforced', 'data'] as const satisfies readonly (keyof Finding)[];
const CALLOUT_FIELDS = ['stageInstanceId', 'taskProcessingResultId'] as const satisfies readonly (keyof CalloutSummary)[];
const TOTAL_MS = 'totalMs' satisfies keyof Timings;
const DENY = 'deny' satisfies DecisionRecord['decision'];
const CONNECTION_TEST = 'connection-test' satisfies Outcome;

/** Every string literal in a file's syntax tree (comments are not strings). */
function stringLiterals(file: BicepFile): string[] {
  const out: string[] = [];
  const walk = (node: Node): void => {
    if (node.type === 'string') out.push(node.text);
    else for (const child of node.namedChildren) walk(child);
  };
  walk(file.root);
  return out;
}

async function appSettings(): Promise<Record<string, string>> {
  const file = await bicepFile('app/function-app.bicep');
  return evaluate(file, requireProp(resource(file, 'appSettings').body, 'properties'), { params: MODULE_PARAMS }) as Record<string, string>;
}

interface Rule {
  kind: string;
  properties: {
    displayName: string;
    severity: number;
    enabled: boolean;
    scopes: string[];
    evaluationFrequency: string;
    windowSize: string;
    criteria: { allOf: { query: string; timeAggregation: string; operator: string; threshold: number; failingPeriods: Record<string, number> }[] };
    autoMitigate: boolean;
    actions: { actionGroups: string[] };
  };
}

async function alertRules(overrides: Record<string, Value> = {}): Promise<Map<string, Rule & { name: string }>> {
  const file = await bicepFile('app/alerts.bicep');
  const scope = { params: { ...ALERT_PARAMS, ...overrides } };
  const rules = resources(file).filter((r) => r.target === 'Microsoft.Insights/scheduledQueryRules@2023-12-01');
  return new Map(rules.map((r) => [r.symbol, { ...(evaluate(file, r.body, scope) as unknown as Rule), name: evaluate(file, requireProp(r.body, 'name'), scope) as string }]));
}

function query(rule: Rule | undefined): string {
  const condition = rule?.properties.criteria.allOf[0];
  if (condition === undefined) throw new Error('no condition');
  return condition.query;
}

/** Balanced parentheses and brackets, and double quotes in pairs: what a typo breaks first. */
function balanced(kql: string): boolean {
  if ((kql.match(/"/g) ?? []).length % 2 !== 0) return false;
  let depth = 0;
  for (const c of kql.replace(/"[^"]*"/g, '""')) {
    if (c === '(' || c === '[') depth += 1;
    if (c === ')' || c === ']') depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** The event names a query keeps: `== "<name>"` and `in ("<name>", …)` on the event's name. */
function eventsRead(kql: string): string[] {
  const names: string[] = [];
  for (const m of kql.matchAll(/(?:tostring\(ev\["event"\]\)|eventName) == "([a-z.-]+)"/g)) names.push(m[1] as string);
  for (const m of kql.matchAll(/tostring\(ev\["event"\]\) in \(([^)]*)\)/g)) names.push(...[...(m[1] as string).matchAll(/"([a-z.-]+)"/g)].map((n) => n[1] as string));
  return [...new Set(names)].sort();
}

/** Each event a query keeps also passes its first line's cheap `Message contains` filter. */
function prefiltered(kql: string): boolean {
  const line = kql.split('\n')[1] ?? '';
  const needles = [...line.matchAll(/Message contains "([^"]+)"/g)].map((m) => m[1] as string);
  return line.startsWith('| where Message contains') && eventsRead(kql).every((name) => needles.some((n) => name.includes(n)));
}

/** Events the code logs at error level: logger.error('<name>', …) anywhere in src/ and functions/. */
function errorEvents(): string[] {
  const ts = (dir: string) => readdirSync(join(REPO, dir), { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.ts')).map((p) => `${dir}/${p}`);
  const sources = [...ts('src'), ...ts('functions')].map((p) => readFileSync(join(REPO, p), 'utf8'));
  return [...new Set(sources.flatMap((s) => [...s.matchAll(/logger\.error\('([a-z.-]+)'/g)].map((m) => m[1] as string)))].sort();
}

/** The top-level keys of the object literal an event is logged with, `logger.<level>('<event>', { … })`: `name` for `name: …` or `name,`, `f` for `...f(…)`. */
function loggedFields(source: string, event: string): string[] {
  const start = source.indexOf(`'${event}', {`);
  if (start < 0) throw new Error(`${event} is not logged with an object literal`);
  const parts: string[] = [];
  let current = '';
  let depth = 1;
  for (let i = source.indexOf('{', start) + 1; depth > 0 && i < source.length; i++) {
    const c = source[i] as string;
    if ('{(['.includes(c)) depth++;
    if ('})]'.includes(c)) depth--;
    if (depth === 1 && c === ',') {
      parts.push(current);
      current = '';
    } else if (depth > 0) current += c;
  }
  parts.push(current);
  return parts.map((p) => /^\s*(?:\.\.\.)?(\w+)/.exec(p)?.[1]).filter((k): k is string => k !== undefined);
}

/** The fields src/sweep/sweep.ts's ids(row) spreads into each per-request sweep event. */
function sweepIdFields(sweep: string): string[] {
  const literal = /function ids\(row: RequestRow\) \{\s*return \{([^}]*)\};/.exec(sweep)?.[1];
  if (literal === undefined) throw new Error('src/sweep/sweep.ts has no ids(row)');
  return [...literal.matchAll(/(\w+):/g)].map((m) => m[1] as string);
}

interface WorkbookItem {
  type: number;
  name: string;
  content: { query?: string; visualization?: string; resourceType?: string; crossComponentResources?: string[]; timeContextFromParameter?: string; queryType?: number; version?: string };
}

async function workbook(): Promise<{ resource: Record<string, Value>; content: { version: string; items: WorkbookItem[]; fallbackResourceIds: string[] } }> {
  const file = await bicepFile('app/workbook.bicep');
  const decisions = resource(file, 'decisions');
  const evaluated = evaluate(file, decisions.body, { params: WORKBOOK_PARAMS }) as Record<string, Value> & { properties: { serializedData: string } };
  return { resource: evaluated, content: JSON.parse(evaluated.properties.serializedData) as { version: string; items: WorkbookItem[]; fallbackResourceIds: string[] } };
}

describe('infra: the decision ledger', () => {
  it('keeps its table in the function\'s storage account, which still refuses shared keys', async () => {
    const storage = await bicepFile('app/storage.bicep');
    const account = resource(storage, 'storage');
    expect(evaluate(storage, requireProp(account.body, 'properties.allowSharedKeyAccess'))).toBe(false);
    const tables = nestedResources(account.body).find((r) => r.symbol === 'tables');
    expect(tables?.target).toBe('tableServices');
    expect(evaluate(storage, requireProp(tables?.body as Node, 'name'))).toBe('default');
    const ledger = nestedResources(tables?.body as Node);
    expect(ledger.map((r) => [r.symbol, r.target, r.condition])).toEqual([['ledger', 'tables', undefined]]);
    // Nothing but its name: no stored access policies (signedIdentifiers), so nothing signs a SAS for it.
    expect(keys(ledger[0]?.body as Node)).toEqual(['name']);
    expect(squeeze(requireProp(ledger[0]?.body as Node, 'name'))).toBe('ledgerTableName');
    expect(squeeze(outputs(storage).get('ledgerTableName') as Node)).toBe('storage::tables::ledger.name');
    expect(squeeze(outputs(storage).get('tableEndpoint') as Node)).toBe('storage.properties.primaryEndpoints.table');

    const main = await bicepFile('main.bicep');
    const name = evalVar(main, 'ledgerTableName');
    expect(name).toBe('decisions');
    // Azure's rule for table names (the vendored type's pattern), which the code's URL reader applies too.
    expect(name).toMatch(/^[A-Za-z][A-Za-z0-9]{2,62}$/);
    expect(squeeze(requireProp(moduleDeclaration(main, 'storage').body, 'params.ledgerTableName'))).toBe('ledgerTableName');
  });

  it('gives the function\'s identity Storage Table Data Contributor on the ledger\'s table only', async () => {
    const file = await bicepFile('app/role-assignments.bicep');
    expect((evalVar(file, 'roles') as Record<string, string>)['storageTableDataContributor']).toBe(TABLE_DATA_CONTRIBUTOR);
    const assignment = resource(file, 'storageTableDataContributor');
    expect(assignment.target).toBe('Microsoft.Authorization/roleAssignments@2022-04-01');
    expect(squeeze(requireProp(assignment.body, 'scope'))).toBe('ledgerTable');
    expect(squeeze(requireProp(assignment.body, 'properties.principalId'))).toBe('functionPrincipalId');
    expect(evaluate(file, requireProp(assignment.body, 'properties.principalType'))).toBe('ServicePrincipal');

    const params = { storageAccountName: 'sttest', ledgerTableName: 'decisions', functionPrincipalId: 'p' };
    const scope = evaluate(file, requireProp(assignment.body, 'scope'), { params }) as { id: string; type: string };
    expect(scope).toMatchObject({
      type: 'Microsoft.Storage/storageAccounts/tableServices/tables',
      id: `${GROUP}/providers/Microsoft.Storage/storageAccounts/sttest/tableServices/default/tables/decisions`,
    });
    expect(squeeze(requireProp(assignment.body, 'properties.roleDefinitionId'))).toBe("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)");
    expect(squeeze(requireProp(assignment.body, 'name'))).toBe('guid(ledgerTable.id, functionPrincipalId, roles.storageTableDataContributor)');
  });

  it('wires the table name from the storage module to the role assignment and the function app', async () => {
    const main = await bicepFile('main.bicep');
    expect(squeeze(requireProp(moduleDeclaration(main, 'roleAssignments').body, 'params.ledgerTableName'))).toBe('storage.outputs.ledgerTableName');
    const fn = moduleDeclaration(main, 'functionApp').body;
    expect(squeeze(requireProp(fn, 'params.ledgerTableName'))).toBe('storage.outputs.ledgerTableName');
    expect(squeeze(requireProp(fn, 'params.tableEndpoint'))).toBe('storage.outputs.tableEndpoint');
    expect(squeeze(requireProp(fn, 'dependsOn'))).toBe('[roleAssignments]');
  });

  it('sets DECISION_LEDGER_URL from the account\'s table endpoint, and the retention and sweep settings', async () => {
    const settings = await appSettings();
    expect(settings).toMatchObject({
      DECISION_LEDGER_URL: 'https://sttest.table.core.windows.net/decisions',
      LEDGER_RETENTION_DAYS: '400',
      LEDGER_RETENTION_SCHEDULE: '0 30 3 * * *',
      STUCK_SWEEP_SCHEDULE: '0 */10 * * * *',
      STUCK_AFTER: 'PT10M',
      STUCK_SWEEP_EXTENSION_NAME: 'entitlement-guard',
    });
    // The code accepts them: the ledger and its retention (src/config.ts), the retention timer's
    // schedule (functions/ledger-retention.ts), the sweep's schedule and threshold.
    const config = loadConfig({ ...settings, IDENTITY_ENDPOINT: 'http://localhost:8081/msi/token', IDENTITY_HEADER: 'x' });
    expect(config).toMatchObject({ decisionLedger: { accountUrl: 'https://sttest.table.core.windows.net', table: 'decisions' }, ledgerRetentionDays: 400 });
    expect(retentionSchedule(settings)).toBe('0 30 3 * * *');
    expect(loadSweepSettings(settings)).toMatchObject({ schedule: '0 */10 * * * *', stuckAfter: { text: 'PT10M' } });
    // Another cloud's endpoint gives that cloud's URL: nothing assumes core.windows.net.
    const file = await bicepFile('app/function-app.bicep');
    const china = evalVar(file, 'ledgerSettings', { params: { ...MODULE_PARAMS, tableEndpoint: 'https://sttest.table.core.chinacloudapi.cn/' } }) as Record<string, string>;
    expect(china['DECISION_LEDGER_URL']).toBe('https://sttest.table.core.chinacloudapi.cn/decisions');
    for (const path of bicepPaths()) {
      for (const literal of stringLiterals(await bicepFile(path))) expect(literal, path).not.toMatch(/core\.windows\.net|\.table\.core/);
    }
  });

  it('reaches the ledger with its identity: no key, SAS or connection string', async () => {
    const settings = await appSettings();
    const url = new URL(settings['DECISION_LEDGER_URL'] ?? '');
    expect(url.protocol).toBe('https:');
    expect(url.search + url.username + url.password).toBe('');
    expect(Object.keys(settings).filter((name) => /ledger|table|decision/i.test(name)).sort()).toEqual(['DECISION_LEDGER_URL', 'LEDGER_RETENTION_DAYS', 'LEDGER_RETENTION_SCHEDULE']);
    for (const [name, value] of Object.entries(settings)) expect(value, name).not.toMatch(/AccountKey=|SharedAccessSignature|sig=|TableEndpoint=/i);
  });

  it('takes retention and the sweep from main.bicep\'s params and azd variables, with the code\'s defaults', async () => {
    const main = await bicepFile('main.bicep');
    const fn = moduleDeclaration(main, 'functionApp').body;
    const names = ['ledgerRetentionDays', 'ledgerRetentionSchedule', 'stuckSweepSchedule', 'stuckAfter', 'stuckSweepExtensionName'];
    for (const name of names) expect(squeeze(requireProp(fn, `params.${name}`))).toBe(name);
    const value = (name: string) => evaluate(main, param(main, name).defaultValue as Node);

    // LEDGER_RETENTION_DAYS: src/config.ts's default, and what it accepts (1 to 3650) the template refuses outside.
    const required = { AZURE_TENANT_ID: DEPLOYMENT.tenantId, CALLOUT_AUDIENCE: GUIDS.apiClientId, ALLOWED_CALLER_APP_IDS: GUIDS.relayClientId, AZURE_CLIENT_ID: GUIDS.identityClientId, IDENTITY_ENDPOINT: 'http://localhost:8081/msi/token', IDENTITY_HEADER: 'x' };
    expect(value('ledgerRetentionDays')).toBe(loadConfig(required).ledgerRetentionDays);
    expect(value('ledgerRetentionDays')).toBe(400);
    const retention = param(main, 'ledgerRetentionDays').decorators;
    expect([retention.get('minValue')?.[0]?.text, retention.get('maxValue')?.[0]?.text]).toEqual(['1', '3650']);
    // LEDGER_RETENTION_SCHEDULE: functions/ledger-retention.ts's default, 03:30 every day.
    expect(value('ledgerRetentionSchedule')).toBe(DEFAULT_RETENTION_SCHEDULE);
    // STUCK_SWEEP_SCHEDULE has no default in the code (unset: no sweep); the template turns it on, every 10 minutes.
    expect(value('stuckSweepSchedule')).toBe('0 */10 * * * *'); // NCRONTAB, six fields (seconds first)
    expect(value('stuckAfter')).toBe(DEFAULT_STUCK_AFTER);
    expect(value('stuckAfter')).toMatch(/^P(T(\d+H)?(\d+M)?(\d+S)?)$/);
    // STUCK_SWEEP_EXTENSION_NAME: the name npm run register gives the extension (1 to 256 characters, as --name takes).
    expect(value('stuckSweepExtensionName')).toBe(DEFAULT_EXTENSION_NAME);
    expect(readFileSync(join(REPO, 'src/register/register-args.ts'), 'utf8')).toContain(`?? '${DEFAULT_EXTENSION_NAME}'`);
    const extension = param(main, 'stuckSweepExtensionName').decorators;
    expect([extension.get('minLength')?.[0]?.text, extension.get('maxLength')?.[0]?.text]).toEqual(['1', '256']);

    const given = (readInfraJson('main.parameters.json') as { parameters: Record<string, { value: string }> }).parameters;
    expect(given['ledgerRetentionDays']?.value).toBe('${LEDGER_RETENTION_DAYS=400}');
    expect(given['ledgerRetentionSchedule']?.value).toBe(`\${LEDGER_RETENTION_SCHEDULE=${DEFAULT_RETENTION_SCHEDULE}}`);
    expect(given['stuckSweepSchedule']?.value).toBe('${STUCK_SWEEP_SCHEDULE=0 */10 * * * *}');
    expect(given['stuckAfter']?.value).toBe(`\${STUCK_AFTER=${DEFAULT_STUCK_AFTER}}`);
    expect(given['stuckSweepExtensionName']?.value).toBe(`\${STUCK_SWEEP_EXTENSION_NAME=${DEFAULT_EXTENSION_NAME}}`);
    // Each azd default is the template's own.
    for (const name of names) expect(given[name]?.value.replace(/^\$\{[A-Z_]+=(.*)\}$/, '$1'), name).toBe(String(value(name) as string | number));
  });
});

describe('infra: alerts', () => {
  it('has six log alert rules over the workspace\'s AppTraces, each firing on one matching event in 5 minutes', async () => {
    const rules = await alertRules();
    expect([...rules.keys()]).toEqual(['calloutFailed', 'calloutSwept', 'ledgerErrors', 'sweepFailed', 'retentionFailed', 'pimFailed']);
    for (const [symbol, rule] of rules) {
      expect(rule.kind, symbol).toBe('LogAlert');
      expect(rule.name, symbol).toMatch(/^entitlement-guard-test-[a-z-]+$/);
      expect(rule.properties, symbol).toMatchObject({ enabled: true, scopes: [WORKSPACE_ID], evaluationFrequency: 'PT5M', windowSize: 'PT5M', autoMitigate: true });
      expect(rule.properties.criteria.allOf, symbol).toHaveLength(1);
      expect(rule.properties.criteria.allOf[0], symbol).toMatchObject({ timeAggregation: 'Count', operator: 'GreaterThan', threshold: 0, failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 } });
      const kql = query(rule);
      expect(kql.split('\n')[0], symbol).toBe('AppTraces');
      expect(kql, symbol).toContain('| extend ev = parse_json(Message)');
      expect(balanced(kql), `${symbol}:\n${kql}`).toBe(true);
      expect(prefiltered(kql), `${symbol}: every event it keeps passes its Message filter:\n${kql}`).toBe(true);
    }
    expect(new Set([...rules.values()].map((r) => r.name)).size).toBe(rules.size);
    expect(rules.get('calloutFailed')?.properties.severity).toBe(1);
    expect(rules.get('calloutSwept')?.properties.severity).toBe(2);
    expect(rules.get('ledgerErrors')?.properties.severity).toBe(1);
    expect(rules.get('sweepFailed')?.properties.severity).toBe(1);
    expect(rules.get('retentionFailed')?.properties.severity).toBe(2);
    expect(rules.get('pimFailed')?.properties.severity).toBe(1);
  });

  it('fires on callout.failed, on callout.swept, on any event with a LEDGER.* code, on the sweep failing, on the retention purge failing and on pim.failed', async () => {
    const rules = await alertRules();
    expect(query(rules.get('calloutFailed'))).toContain('| where tostring(ev["event"]) == "callout.failed"');
    expect(query(rules.get('calloutSwept'))).toContain('| where tostring(ev["event"]) == "callout.swept"');
    expect(query(rules.get('ledgerErrors'))).toContain('| where tostring(ev.code) startswith "LEDGER."');
    expect(query(rules.get('sweepFailed'))).toContain('| where tostring(ev["event"]) in ("callout.sweep-run-failed", "callout.sweep-failed")');
    expect(query(rules.get('retentionFailed'))).toContain('| where tostring(ev["event"]) == "ledger.purge-failed"');
    expect(query(rules.get('pimFailed'))).toContain('| where tostring(ev["event"]) == "pim.failed"');
    const read = new Map([...rules].map(([symbol, rule]) => [symbol, eventsRead(query(rule))]));
    expect(Object.fromEntries(read)).toEqual({
      calloutFailed: ['callout.failed'],
      calloutSwept: ['callout.swept'],
      ledgerErrors: [],
      sweepFailed: ['callout.sweep-failed', 'callout.sweep-run-failed'],
      retentionFailed: ['ledger.purge-failed'],
      pimFailed: ['pim.failed'],
    });
  });

  it('alerts on every event the code logs at error level', async () => {
    const alerted = new Set([...(await alertRules()).values()].flatMap((rule) => eventsRead(query(rule))));
    const logged = errorEvents();
    expect(logged).toEqual(expect.arrayContaining(['callout.failed', 'callout.sweep-failed', 'callout.sweep-run-failed', 'ledger.purge-failed']));
    expect(logged.filter((name) => !alerted.has(name)), 'error events no alert rule names').toEqual([]);
  });

  it('reads the events as the function writes them: one JSON message, the name in `event`, the error code in `code`', () => {
    const source = (path: string) => readFileSync(join(REPO, path), 'utf8');
    // The HTTP functions (the callout, PIM) and the timers (the sweep, the retention purge) log
    // through one one-line JSON logger.
    expect(source('functions/context-logger.ts')).toContain('JSON.stringify({ event, ...fields })');
    expect(source('functions/http-route.ts')).toContain('contextLogger(context)');
    for (const path of ['functions/callout.ts', 'functions/pim.ts']) expect(source(path), path).toContain('postHandler(deps, {');
    expect(source('functions/timer-support.ts')).toContain('await job.run(contextLogger(context))');
    const handle = source('src/callout/handle-callout.ts');
    expect(handle).toMatch(/logger\.error\('callout\.failed', fields\)/);
    expect(handle).toMatch(/\.\.\.errorFields\(error\),/);
    expect(source('src/errors.ts')).toMatch(/code: error\.code,/);
    expect(source('src/errors.ts')).toMatch(/'LEDGER\.[A-Z_]+'/);
    const sweep = source('src/sweep/sweep.ts');
    for (const event of ['callout.sweep-run-failed', 'callout.sweep-failed']) {
      expect(sweep).toContain(`logger.error('${event}', {`);
      expect(loggedFields(sweep, event), event).toEqual(expect.arrayContaining(['code', 'message']));
    }
    // A failed request is named by the ids the rule projects.
    expect(loggedFields(sweep, 'callout.sweep-failed')).toContain('ids');
    expect(sweepIdFields(sweep)).toEqual(expect.arrayContaining(['requestId', 'stageInstanceId']));
    const purge = source('src/ledger/purge-old-entries.ts');
    expect(purge).toContain("run.logger.error('ledger.purge-failed', {");
    expect(loggedFields(purge, 'ledger.purge-failed')).toEqual(expect.arrayContaining(['code', 'message', 'cause', 'retentionDays']));
  });

  it('sends to an action group with the e-mail address given, and without one creates no action group', async () => {
    const file = await bicepFile('app/alerts.bicep');
    expect(param(file, 'alertEmail').type).toBe('string');
    const group = resource(file, 'actionGroup');
    expect(group.target).toBe('Microsoft.Insights/actionGroups@2023-01-01');
    expect(squeeze(group.condition as Node)).toBe('(sendEmail)');
    expect(evalVar(file, 'sendEmail', { params: { alertEmail: '' } })).toBe(false);
    expect(evalVar(file, 'sendEmail', { params: { alertEmail: 'ops@contoso.com' } })).toBe(true);
    const properties = evaluate(file, requireProp(group.body, 'properties'), { params: { ...ALERT_PARAMS, alertEmail: 'ops@contoso.com' } });
    expect(properties).toMatchObject({ enabled: true, emailReceivers: [{ emailAddress: 'ops@contoso.com', useCommonAlertSchema: true }] });
    expect(evaluate(file, requireProp(group.body, 'location'))).toBe('global');

    for (const rule of (await alertRules()).values()) expect(rule.properties.actions.actionGroups).toEqual([]);
    for (const rule of (await alertRules({ alertEmail: 'ops@contoso.com' })).values()) {
      expect(rule.properties.actions.actionGroups).toEqual([`${GROUP}/providers/Microsoft.Insights/actionGroups/ag-test`]);
    }
  });

  it('takes the address from the azd variable ALERT_EMAIL, empty by default', async () => {
    const main = await bicepFile('main.bicep');
    expect(evaluate(main, param(main, 'alertEmail').defaultValue as Node)).toBe('');
    const given = (readInfraJson('main.parameters.json') as { parameters: Record<string, { value: string }> }).parameters;
    expect(given['alertEmail']?.value).toBe('${ALERT_EMAIL=}');
    const alerts = moduleDeclaration(main, 'alerts').body;
    expect(squeeze(requireProp(alerts, 'params.alertEmail'))).toBe('alertEmail');
    expect(squeeze(requireProp(alerts, 'params.logAnalyticsName'))).toBe('monitoring.outputs.workspaceName');
    const monitoring = await bicepFile('app/monitoring.bicep');
    expect(squeeze(outputs(monitoring).get('workspaceName') as Node)).toBe('workspace.name');
    expect(resource(await bicepFile('app/alerts.bicep'), 'workspace').target).toBe(resource(monitoring, 'workspace').target);
  });
});

describe('infra: the decisions workbook', () => {
  it('is a shared workbook of the Application Insights resource, named by a stable GUID', async () => {
    const { resource: decisions, content } = await workbook();
    expect(decisions).toMatchObject({
      kind: 'shared',
      location: 'swedencentral',
      tags: { 'azd-env-name': 'test', 'hidden-title': 'entitlement-guard decisions (test)' },
      properties: { displayName: 'entitlement-guard decisions (test)', category: 'workbook', sourceId: APP_INSIGHTS_ID, version: 'Notebook/1.0' },
    });
    expect(decisions['name']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(content.version).toBe('Notebook/1.0');
    expect(content.fallbackResourceIds).toEqual([APP_INSIGHTS_ID]);
    const main = await bicepFile('main.bicep');
    const wb = moduleDeclaration(main, 'workbook').body;
    expect(squeeze(requireProp(wb, 'params.logAnalyticsName'))).toBe('monitoring.outputs.workspaceName');
    expect(squeeze(requireProp(wb, 'params.applicationInsightsName'))).toBe('monitoring.outputs.name');
  });

  it('runs every query in the workspace, over the TimeRange parameter', async () => {
    const { content } = await workbook();
    const parameters = content.items.find((i) => i.type === 9);
    expect(JSON.stringify(parameters)).toContain('"name":"TimeRange"');
    const queries = content.items.filter((i) => i.type === 3);
    expect(queries.map((i) => i.name)).toEqual(['decisions-over-time', 'denials-by-check', 'denials-by-sod-rule', 'decision-time']);
    for (const item of queries) {
      expect(item.content, item.name).toMatchObject({
        version: 'KqlItem/1.0',
        queryType: 0,
        resourceType: 'microsoft.operationalinsights/workspaces',
        crossComponentResources: [WORKSPACE_ID],
        timeContextFromParameter: 'TimeRange',
      });
      const kql = item.content.query ?? '';
      expect(kql.split('\n')[0], item.name).toBe('AppTraces');
      expect(kql, item.name).toContain('| extend ev = parse_json(Message)');
      expect(balanced(kql), `${item.name}:\n${kql}`).toBe(true);
      expect(prefiltered(kql), `${item.name}: every event it keeps passes its Message filter:\n${kql}`).toBe(true);
    }
    // The decisions come from the callouts and the sweep; checks and timings only from the callouts.
    expect(Object.fromEntries(queries.map((i) => [i.name, eventsRead(i.content.query ?? '')]))).toEqual({
      'decisions-over-time': ['callout.decided', 'callout.swept'],
      'denials-by-check': ['callout.decided'],
      'denials-by-sod-rule': ['callout.decided'],
      'decision-time': ['callout.decided'],
    });
    for (const item of queries.filter((i) => i.name !== 'decisions-over-time')) {
      expect(item.content.query, item.name).toContain('| where tostring(ev["event"]) == "callout.decided"');
    }
  });

  it('charts decisions over time by decision and outcome, denials by check and by SoD rule, and the p95 decision time', async () => {
    const { content } = await workbook();
    const item = (name: string) => content.items.find((i) => i.name === name)?.content ?? {};
    expect(item('decisions-over-time')).toMatchObject({ visualization: 'timechart' });
    const decisions = item('decisions-over-time').query ?? '';
    // The callouts' decisions, except a delivery carrying out an operator's (operators are left out);
    // the sweep's only where it decided afresh (adopted false): one that carried out a ledger entry decided nothing.
    expect(decisions).toContain('| where (eventName == "callout.decided" and tostring(ev.ledger.decidedBy) != "operator") or (eventName == "callout.swept" and tostring(ev.adopted) == "false")');
    // Each callout once, by its first event: repeated and late deliveries, and a delivery carrying out the sweep's entry, add nothing.
    expect(decisions).toContain('| extend calloutId = tolower(coalesce(tostring(ev.callout.stageInstanceId), tostring(ev.callout.taskProcessingResultId), tostring(ev.stageInstanceId), tostring(ev.correlation.invocationId)))');
    expect(decisions).toContain('| extend decision = tostring(ev.decision), outcome = tostring(ev.outcome)');
    expect(decisions).toContain('| summarize arg_min(TimeGenerated, eventName, decision, outcome) by calloutId');
    expect(decisions).toContain('| extend series = strcat(decision, " (", outcome, iff(eventName == "callout.swept", ", by the sweep", ""), ")")');
    expect(decisions).toContain('| summarize decisions = count() by bin(TimeGenerated, {TimeRange:grain}), series');
    expect(decisions.indexOf('arg_min')).toBeLessThan(decisions.indexOf('count()'));
    const about = JSON.stringify(content.items.find((i) => i.name === 'about'));
    expect(about).toContain('callout.swept');
    expect(about).toContain('npm run resume');

    expect(item('denials-by-check')).toMatchObject({ visualization: 'barchart' });
    expect(item('denials-by-check').query).toContain(`tostring(ev.decision) == "${DENY}"`);
    expect(item('denials-by-check').query).toContain('| mv-expand run = ev.checks\n| mv-expand finding = run.findings');
    expect(item('denials-by-check').query).toContain('by checkId = tostring(finding.checkId)');

    expect(item('denials-by-sod-rule')).toMatchObject({ visualization: 'barchart' });
    expect(item('denials-by-sod-rule').query).toContain('| where tostring(run.id) == "separation-of-duties"');
    expect(item('denials-by-sod-rule').query).toContain('tostring(finding.data.ruleId)');
    expect(readFileSync(join(REPO, 'src/checks/separation-of-duties.ts'), 'utf8')).toMatch(/id: 'separation-of-duties'[\s\S]*ruleId: conflict\.rule\.id/);

    expect(item('decision-time')).toMatchObject({ visualization: 'timechart' });
    expect(item('decision-time').query).toContain(`| extend totalMs = todouble(ev.timings.${TOTAL_MS})`);
    expect(item('decision-time').query).toContain('p95Ms = percentile(totalMs, 95)');
    expect(item('decision-time').query).toContain(`tostring(ev.outcome) != "${CONNECTION_TEST}"`);
  });

  it('reads only fields the decision record and the callout.swept event have', async () => {
    const { content } = await workbook();
    const fieldsRead = (text: string) => new Set([...text.matchAll(/\bev\.(\w+)/g)].map((m) => m[1] as string));
    const decidedOnly = content.items.filter((i) => i.name !== 'decisions-over-time').map((i) => i.content.query ?? '').join('\n');
    expect([...fieldsRead(decidedOnly)].filter((f) => !(RECORD_FIELDS as readonly string[]).includes(f))).toEqual([]);
    // decisions-over-time reads both events: the record's fields, and callout.swept's (src/sweep/sweep.ts).
    const sweep = readFileSync(join(REPO, 'src/sweep/sweep.ts'), 'utf8');
    const swept = loggedFields(sweep, 'callout.swept').flatMap((f) => (f === 'ids' ? sweepIdFields(sweep) : [f]));
    expect(swept).toEqual(expect.arrayContaining(['decision', 'outcome', 'adopted', 'decidedBy', 'stageInstanceId']));
    expect(sweep).toContain('adopted: settled.adopted,');
    const overTime = content.items.find((i) => i.name === 'decisions-over-time')?.content.query ?? '';
    expect([...fieldsRead(overTime)].filter((f) => !(RECORD_FIELDS as readonly string[]).includes(f) && !swept.includes(f))).toEqual([]);
    for (const f of LEDGER_NOTE_FIELDS) expect(overTime).toContain(`ev.ledger.${f}`);
    const kql = content.items.map((i) => i.content.query ?? '').join('\n');
    for (const f of CHECK_RUN_FIELDS) expect(kql).toContain(`run.${f}`);
    for (const f of FINDING_FIELDS) expect(kql).toContain(`finding.${f}`);
    for (const f of CALLOUT_FIELDS) expect(kql).toContain(`ev.callout.${f}`);
  });

  it('is an output of the deployment, for azd env get-values', async () => {
    const main = await bicepFile('main.bicep');
    expect(squeeze(requireProp(moduleDeclaration(main, 'workbook').body, 'params.displayName'))).toBe("'entitlement-guard decisions (${environmentName})'");
    expect(squeeze(outputs(main).get('DECISIONS_WORKBOOK_ID') as Node)).toBe('workbook.outputs.id');
  });
});

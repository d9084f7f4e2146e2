// A Lifecycle Workflows resume on the tenant emulator is allowed with LifecycleWorkflows.ReadWrite.All, or for an
// app a custom task extension lists in callbackConfiguration.authorizedApps, with no Graph permission at all
// (docs/protocol.md §11): what least privilege, the default, relies on. The list's entries are `{ id: <app id> }`.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { fixture } from '../support/app.js';
import { miToken, type Json } from './graph-calls.js';
import { graphSend, taskBody } from './graph-writes.js';

let emulator: TenantEmulator;
let defaultRoles: string[];
beforeAll(async () => {
  emulator = await startTestEmulator();
  defaultRoles = [...emulator.managedIdentityRoles];
});
afterEach(() => {
  emulator.managedIdentityRoles = [...defaultRoles];
  for (const task of emulator.registry.taskExtensions()) emulator.registry.deleteTaskExtension(task.id);
});
afterAll(() => emulator.close());

const TASKS = '/v1.0/identityGovernance/lifecycleWorkflows/customTaskExtensions';
const WINDOW = '#microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration';
const RESUME = { data: { operationStatus: 'completed' }, source: 'entitlement-guard', type: 'lifecycleEvent' };
const message = (answer: { json: Json }) => (answer.json['error'] as { message?: string } | undefined)?.message;

/** A task extension authorizing `apps`, written with the default (broad) roles. */
async function taskAuthorizing(apps: unknown): Promise<void> {
  const created = await graphSend(emulator, 'POST', TASKS, await miToken(emulator), taskBody({ callbackConfiguration: { '@odata.type': WINDOW, timeoutDuration: 'PT30M', authorizedApps: apps } }));
  expect(created.status).toBe(201);
}

/** An LCW callout waiting for its resume; the resume's path. */
function waitingTask(): string {
  const body = fixture('lcw-custom-task.json');
  expect(emulator.awaitCallout(body)).toBe('task');
  return `/v1.0${(body['data'] as { callbackUriPath: string }).callbackUriPath}`;
}

/** The function's token without any Lifecycle Workflows permission (least privilege: EntitlementManagement.Read.All and the rest). */
async function tokenWithoutLcw(): Promise<string> {
  emulator.managedIdentityRoles = defaultRoles.filter((r) => !r.startsWith('LifecycleWorkflows.'));
  return miToken(emulator);
}

describe('the resume of a task processing result', () => {
  test('an app listed in authorizedApps resumes it without LifecycleWorkflows.ReadWrite.All (204)', async () => {
    await taskAuthorizing([{ id: emulator.managedIdentityClientId.toUpperCase() }]);
    const path = waitingTask();
    const resumed = await graphSend(emulator, 'POST', path, await tokenWithoutLcw(), RESUME);
    expect(resumed.status).toBe(204);
  });

  test('an app no task extension lists, without the permission: 403, and the task still waits', async () => {
    await taskAuthorizing([{ id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }]);
    const path = waitingTask();
    const refused = await graphSend(emulator, 'POST', path, await tokenWithoutLcw(), RESUME);
    expect([refused.status, message(refused)]).toEqual([403, 'Insufficient privileges to complete the operation.']);
    // With the permission (the broad grant) the same resume passes.
    emulator.managedIdentityRoles = [...defaultRoles];
    expect((await graphSend(emulator, 'POST', path, await miToken(emulator), RESUME)).status).toBe(204);
  });

  test('authorizedApps authorizes the resume only: reading the result still needs a Lifecycle Workflows permission', async () => {
    await taskAuthorizing([{ id: emulator.managedIdentityClientId }]);
    const path = waitingTask().replace(/\/resume$/, '');
    const token = await tokenWithoutLcw();
    const read = await fetch(`${emulator.origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(403);
  });
});

describe('authorizedApps as a custom task extension takes it', () => {
  test('stored and answered as written', async () => {
    await taskAuthorizing([{ id: emulator.managedIdentityClientId }]);
    const [task] = emulator.registry.taskExtensions();
    const read = await fetch(`${emulator.origin}${TASKS}/${task?.id ?? ''}`, { headers: { authorization: `Bearer ${await miToken(emulator)}` } });
    expect(((await read.json()) as Json)['callbackConfiguration']).toEqual({ '@odata.type': WINDOW, timeoutDuration: 'PT30M', authorizedApps: [{ id: emulator.managedIdentityClientId }] });
  });

  test.each([
    ['not a list', { id: 'x' }, 'callbackConfiguration.authorizedApps must be a list'],
    ['an app id that is not a GUID', [{ id: 'function-app' }], 'callbackConfiguration.authorizedApps entries must be { "id": "<application (client) id>" }'],
    ['a bare id, not an application reference', ['a3f2c1d0-9b8e-4d7c-a6b5-c4d3e2f1a0b9'], 'callbackConfiguration.authorizedApps entries must be'],
  ])('400 for %s', async (_, apps, text) => {
    const refused = await graphSend(emulator, 'POST', TASKS, await miToken(emulator), taskBody({ callbackConfiguration: { '@odata.type': WINDOW, timeoutDuration: 'PT30M', authorizedApps: apps } }));
    expect(refused.status).toBe(400);
    expect(message(refused)).toContain(text);
  });
});

import { describe, expect, test } from 'vitest';
import type { CalloutRequest } from '../../src/callout/model.js';
import { AppError } from '../../src/errors.js';
import { createCalloutParser } from '../../src/ingress/callout-parser.js';
import { fixture } from '../support/app.js';

const parser = createCalloutParser();
const parse = (body: unknown): CalloutRequest => parser.parse(new TextEncoder().encode(JSON.stringify(body)), 'application/json');

function rejection(body: unknown): { code: string; message: string } {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message };
    throw error;
  }
  return { code: 'accepted', message: '' };
}

function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camel(v)]));
}

describe('every fixture becomes the one model', () => {
  test('flat PascalCase (the wire)', () => {
    const callout = parse(fixture('elm-request-created.wire.json'));
    expect(callout).toMatchObject({
      kind: 'elm-request',
      shape: 'flat-pascal',
      stage: 'assignmentRequestCreated',
      stageInstanceId: '64054d8d-4d73-4705-820a-866332af9a64',
      requestId: '3c7ee35f-ab17-4893-bb65-7a761c670d1a',
      resume: { path: '/identityGovernance/entitlementManagement/assignmentRequests/3c7ee35f-ab17-4893-bb65-7a761c670d1a/resume' },
      callbackTimeout: 'PT1H',
      requestType: 'userAdd',
      accessPackage: { id: '97979783-38c5-40ae-b74e-404935a04ffd', displayName: 'Payments - Approver' },
      catalog: { id: '26803898-8c26-4ca8-ba50-15552ecd4c9d', displayName: 'Finance' },
      assignmentPolicy: { id: '94f213d6-cfa4-4bda-86f9-6bb659b87cb0', displayName: 'Employees' },
      // The user is Target.ObjectId, not Target.Id (the subject record).
      target: { objectId: 'a7529cd7-a86d-4455-8c43-00e7495481b0', displayName: 'Avery Lindqvist', principalName: 'avery@contoso.example' },
      requestor: { objectId: 'a7529cd7-a86d-4455-8c43-00e7495481b0' },
      answers: [{ questionId: '3672907b-69ea-4a6e-9cb6-fae079ccb343', questionText: 'Change ticket', value: 'CHG0012345', displayValue: 'CHG0012345' }],
    });
  });

  test('flat camelCase reads the same as PascalCase', () => {
    const wire = fixture('elm-request-created.wire.json');
    expect({ ...parse(camel(wire)), shape: 'x' }).toEqual({ ...parse(wire), shape: 'x' });
    expect(parse(camel(wire)).shape).toBe('flat-camel');
  });

  test('wrapped camelCase (Graph docs)', () => {
    expect(parse(fixture('elm-request-created.graph-doc.json'))).toMatchObject({
      kind: 'elm-request',
      shape: 'wrapped',
      stage: 'assignmentRequestCreated',
      requestType: 'adminAdd',
      callbackTimeout: 'PT2H',
      target: { objectId: 'a39bf638-76f8-4d85-b2a0-6a722fa05a11' },
      requestor: { objectId: '8f438381-eb0e-40f7-830d-cc083624f32e' },
      answers: [],
    });
  });

  test('the stage of a wrapper without data.stage comes from its type', () => {
    const doc = fixture('elm-request-created.graph-doc.json');
    const data = { ...(doc['data'] as Record<string, unknown>) };
    delete data['stage'];
    expect(parse({ ...doc, data })).toMatchObject({ stage: 'assignmentRequestCreated' });
  });

  test('connection test', () => {
    expect(parse(fixture('elm-connection-test.json'))).toEqual({
      kind: 'connection-test',
      shape: 'flat-pascal',
      stage: 'customExtensionConnectionTest',
      stageInstanceId: '2f85da3a-1dd6-448d-86e5-5b837558d0de',
      catalog: { id: '26803898-8c26-4ca8-ba50-15552ecd4c9d', displayName: 'Finance' },
    });
  });

  test.each(['elm-one-day-before-expiration.wire.json', 'elm-fourteen-days-before-expiration.wire.json'])('pre-expiration: %s', (name) => {
    expect(parse(fixture(name))).toMatchObject({
      kind: 'elm-assignment',
      assignmentId: '1331463b-f203-45cf-a1b6-52ab7f7eed99',
      target: { objectId: '3727fd38-c06b-42a6-b984-0344779555f6' },
    });
  });

  test('launch-and-continue: no callback path, nothing to resume', () => {
    expect(parse(fixture('elm-request-granted.continue.wire.json'))).toMatchObject({ kind: 'elm-request', stage: 'assignmentRequestGranted', resume: null });
  });

  test('approval requirements', () => {
    expect(parse(fixture('elm-approval-requirements.wire.json'))).toMatchObject({ stage: 'assignmentRequestDeterminingApprovalRequirements' });
  });

  test('Lifecycle Workflows custom task', () => {
    expect(parse(fixture('lcw-custom-task.json'))).toEqual({
      kind: 'lcw-task',
      shape: 'lifecycle-workflows',
      taskProcessingResultId: 'ce578d23-7c68-44ef-be82-c40dcd54a763',
      resume: {
        path: '/identityGovernance/lifecycleWorkflows/workflows/244823b5-608c-4ab1-895e-a56cd4731123/runs/09a1b7a7-6ed4-4efb-9447-77db40b50bff/userProcessingResults/2f974579-6fd4-4515-8a74-51f9b47947c1/taskProcessingResults/ce578d23-7c68-44ef-be82-c40dcd54a763/resume',
        confirmPath: '/identityGovernance/lifecycleWorkflows/workflows/244823b5-608c-4ab1-895e-a56cd4731123/runs/09a1b7a7-6ed4-4efb-9447-77db40b50bff/userProcessingResults/2f974579-6fd4-4515-8a74-51f9b47947c1/taskProcessingResults/ce578d23-7c68-44ef-be82-c40dcd54a763',
      },
      subject: { objectId: '5e6c13ac-1147-4685-a32a-d31c30e75731', displayName: 'Noor Haddad', principalName: 'noor@contoso.example', email: 'noor@contoso.example', subjectType: 'user' },
      managerId: '437be613-5955-4d7b-97a8-cfe7dd6736fe',
      task: { id: '1d20a0b5-f0fd-484d-aed5-32735045d1bc', displayName: 'Verify pre-hire checks' },
      workflow: { id: '244823b5-608c-4ab1-895e-a56cd4731123', displayName: 'Onboard new hire', version: 3 },
    });
  });
});

describe('tolerance', () => {
  test('nulls everywhere optional, unknown fields ignored', () => {
    const body = {
      Stage: 'assignmentRequestCreated',
      CustomExtensionStageInstanceId: 'B2C4E6A8-1111-4222-8333-944455556666',
      AccessPackageAssignmentRequestId: '3c7ee35f-ab17-4893-bb65-7a761c670d1a',
      CallbackUriPath: null,
      RequestType: null,
      AccessPackage: null,
      AccessPackageCatalog: null,
      Assignment: { Id: null, Target: null, AssignmentPolicy: null },
      Requestor: null,
      Answers: null,
      CallbackConfiguration: null,
      SomethingNew: { Nested: [1, 2, 3] },
    };
    expect(parse(body)).toMatchObject({ kind: 'elm-request', resume: null, target: undefined, answers: [], accessPackage: undefined });
  });

  test('stage names match whatever their casing', () => {
    const body = { ...fixture('elm-request-created.wire.json'), Stage: 'AssignmentRequestCreated' };
    expect(parse(body)).toMatchObject({ stage: 'assignmentRequestCreated' });
  });

  test('answers with localized objects, plain strings or numbers', () => {
    const body = {
      ...fixture('elm-request-created.wire.json'),
      Answers: [
        { Value: 42, DisplayValue: '42', Question: { Id: 'q1', Text: 'Cost centre' } },
        { Value: true, Question: { Id: 'q2', Text: { DefaultText: 'Agreed', LocalizedTexts: [] } } },
      ],
    };
    expect(parse(body)).toMatchObject({
      answers: [
        { questionId: 'q1', questionText: 'Cost centre', value: '42', displayValue: '42' },
        { questionId: 'q2', questionText: 'Agreed', value: 'true', displayValue: undefined },
      ],
    });
  });
});

describe('rejections', () => {
  const wire = fixture('elm-request-created.wire.json');
  test.each([
    ['an array', [wire], 'CALLOUT.INVALID_BODY'],
    ['a string', 'callout', 'CALLOUT.INVALID_BODY'],
    ['no stage', { ...wire, Stage: null }, 'CALLOUT.INVALID_BODY'],
    ['an unknown stage', { ...wire, Stage: 'assignmentRequestExploded' }, 'CALLOUT.UNKNOWN_STAGE'],
    ['no stage instance id', { ...wire, CustomExtensionStageInstanceId: null }, 'CALLOUT.INVALID_BODY'],
    ['a stage instance id that is no identifier', { ...wire, CustomExtensionStageInstanceId: '../../x' }, 'CALLOUT.INVALID_BODY'],
    ['no request id at a request stage', { ...wire, AccessPackageAssignmentRequestId: null }, 'CALLOUT.INVALID_BODY'],
    ['a request id that is no GUID', { ...wire, AccessPackageAssignmentRequestId: 'x/../y' }, 'CALLOUT.INVALID_BODY'],
    ['a stage of the wrong type', { ...wire, Stage: 7 }, 'CALLOUT.INVALID_BODY'],
    ['answers that are not a list', { ...wire, Answers: { Value: 1 } }, 'CALLOUT.INVALID_BODY'],
    ['a huge display name', { ...wire, AccessPackage: { Id: 'x', DisplayName: 'x'.repeat(5000) } }, 'CALLOUT.INVALID_BODY'],
    ['a callback path of another request', { ...wire, CallbackUriPath: '/identityGovernance/entitlementManagement/assignmentRequests/99999999-9999-4999-8999-999999999999/resume' }, 'CALLOUT.ID_MISMATCH'],
    ['an absolute callback URL', { ...wire, CallbackUriPath: 'https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/assignmentRequests/3c7ee35f-ab17-4893-bb65-7a761c670d1a/resume' }, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['a callback path to another Graph endpoint', { ...wire, CallbackUriPath: '/users/3c7ee35f-ab17-4893-bb65-7a761c670d1a/revokeSignInSessions' }, 'CALLOUT.INVALID_CALLBACK_PATH'],
    ['an LCW callout without a task result', { source: 'LifecycleWorkflows', type: 'lifecycleEvent', data: { callbackUriPath: '/x' } }, 'CALLOUT.INVALID_BODY'],
    ['an LCW task result id that is no GUID', { type: 'lifecycleEvent', data: { taskProcessingResult: { id: 'nope' } } }, 'CALLOUT.INVALID_BODY'],
  ])('%s', (_, body, code) => {
    expect(rejection(body).code).toBe(code);
  });

  test('a schema error names where it is', () => {
    expect(rejection({ ...wire, Assignment: { Target: { ObjectId: 5 } } }).message).toContain('/assignment/target/objectid');
  });
});

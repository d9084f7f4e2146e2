// A tenant file's request may name its assignment's target, the assignment, its policy and the
// requestor's answers: checked as strictly as the rest of the file, and read back through Graph.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseTenant, SAMPLE_TENANT_FILE } from '../../emulator/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { graphGet, miToken, PEOPLE, SOD, type Json } from './graph-calls.js';
import { EMPLOYEES } from './graph-writes.js';

const ID = 'f11e0000-0000-4000-8000-000000000001';
const ASSIGNMENT = 'f11ea55e-0000-4000-8000-000000000001';
const QUESTION = 'f11efa9e-0000-4000-8000-000000000001';
const sample = () => JSON.parse(readFileSync(SAMPLE_TENANT_FILE, 'utf8')) as Json & { requests: Json[] };
const request = (extra: Json = {}): Json => ({
  id: ID, requestType: 'adminAdd', accessPackage: SOD.paymentsApprover, requestor: PEOPLE.morgan, target: PEOPLE.taylor, assignment: ASSIGNMENT, assignmentPolicy: EMPLOYEES,
  answers: [{ questionId: QUESTION.toUpperCase(), questionText: 'Change ticket', value: 'CHG0012399' }], ...extra,
});
const withRequest = (r: Json) => {
  const tenant = sample();
  tenant.requests.push(r);
  return tenant;
};
const rejects = (r: Json, message: RegExp) => { expect(() => parseTenant(withRequest(r), 'test tenant')).toThrow(message); };

describe("a request's assignment and answers in the tenant file", () => {
  test('are loaded (ids lower-cased, the display value the value unless given) and answered by Graph', async () => {
    const loaded = parseTenant(withRequest(request()));
    expect(loaded.requests.find((r) => r.id === ID)).toMatchObject({
      target: PEOPLE.taylor, assignment: ASSIGNMENT, assignmentPolicy: EMPLOYEES,
      answers: [{ questionId: QUESTION, questionText: 'Change ticket', value: 'CHG0012399', displayValue: 'CHG0012399' }],
    });
    expect(loaded.requests.find((r) => r.id !== ID)).toMatchObject({ target: null, assignment: null, assignmentPolicy: null, answers: [] });
    const emulator = await startTestEmulator({ tenant: loaded });
    try {
      const query = '$select=id,answers&$expand=assignment($select=id;$expand=target,assignmentPolicy($select=id,displayName))';
      const { json } = await graphGet(emulator, `/v1.0/identityGovernance/entitlementManagement/assignmentRequests/${ID}?${query}`, await miToken(emulator));
      expect(json).toMatchObject({
        answers: [{ value: 'CHG0012399', displayValue: 'CHG0012399', answeredQuestion: { id: QUESTION, text: 'Change ticket' } }],
        assignment: { id: ASSIGNMENT, target: { objectId: PEOPLE.taylor, displayName: 'Taylor Brooks' }, assignmentPolicy: { id: EMPLOYEES, displayName: 'Employees' } },
      });
    } finally {
      await emulator.close();
    }
  });

  test('GUIDs where ids go, texts where texts go, no unknown keys', () => {
    rejects(request({ target: 'taylor' }), /test tenant: requests\[\d+\]\.target "taylor" is not a GUID/);
    rejects(request({ assignment: 42 }), /requests\[\d+\]\.assignment must be a non-empty string, not 42/);
    rejects(request({ assignmentPolicy: 'Employees' }), /\.assignmentPolicy "Employees" is not a GUID/);
    rejects(request({ targetId: PEOPLE.taylor }), /requests\[\d+\] has an unknown property "targetId"/);
    rejects(request({ answers: { value: 'x' } }), /\.answers must be a list/);
    rejects(request({ answers: ['CHG0012399'] }), /\.answers\[0\] must be a JSON object/);
    rejects(request({ answers: [{ questionId: QUESTION, value: 'x', question: 'Change ticket' }] }), /\.answers\[0\] has an unknown property "question"/);
    rejects(request({ answers: [{ questionId: 'ticket', value: 'x' }] }), /\.answers\[0\]\.questionId "ticket" is not a GUID/);
    rejects(request({ answers: [{ value: 'x' }] }), /\.answers\[0\]\.questionId is required/);
    rejects(request({ answers: [{ questionId: QUESTION }] }), /\.answers\[0\]\.value is required/);
    rejects(request({ answers: [{ questionId: QUESTION, value: 'x', questionText: 7 }] }), /\.answers\[0\]\.questionText must be a non-empty string, not 7/);
  });

  test('the target is a user of the tenant and the policy one of its assignment policies', () => {
    const stranger = '0f0f0f0f-0000-4000-8000-000000000001';
    rejects(request({ target: stranger }), new RegExp(`requests\\[\\d+\\] ${ID}: target "${stranger}" is not the id of a user in the tenant`));
    rejects(request({ assignmentPolicy: stranger }), new RegExp(`${ID}: assignmentPolicy "${stranger}" is not the id of an assignment policy in the tenant`));
  });
});

// The ledger entry a PIM activation's answer is kept in (src/pim/pim-entry.ts), and answering a
// retry from it: only the same activation (principal, role or group, scope) gets the answer again;
// another one under the same evaluation id is refused, and an entry that holds no answer is a bug.
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/decision/decision.js';
import type { PolicyEvaluation } from '../../src/engine/policy-engine.js';
import { AppError } from '../../src/errors.js';
import type { LedgerEntry } from '../../src/ledger/ledger.js';
import type { PimActivation } from '../../src/pim/activation.js';
import { evaluationIdOf, type PimAnswer } from '../../src/pim/pim-answer.js';
import { answerFromEntry, pimEntryOf, pimKey, PIM_ROUTE } from '../../src/pim/pim-entry.js';
import { activationFixture, AZURE_ACTIVATION, GROUP_ACTIVATION, ROLE_ACTIVATION } from './activations.js';

const DECIDED_AT = new Date('2026-12-03T08:00:01Z');
const DECISION: Decision = { kind: 'deny', detail: 'Denied by policy: [activation-window] sat 11:00 Europe/Amsterdam is outside the activation window.' };
const EVALUATION: PolicyEvaluation = {
  policy: { version: 'sha256:0123456789abcdef', mode: 'enforce', scopes: ['pim'], notices: [] },
  checks: [],
  facts: [],
  approvers: undefined,
  decision: DECISION,
  timings: { factsMs: 0, checksMs: 0 },
};

function entryFor(activation: PimActivation): { entry: LedgerEntry; answer: PimAnswer } {
  const answer: PimAnswer = { evaluationId: evaluationIdOf(activation, DECIDED_AT.getTime()), evaluationOutcome: 'Denied', reason: ['[activation-window] sat 11:00 Europe/Amsterdam is outside the activation window.'] };
  return { entry: pimEntryOf(activation, answer, DECISION, EVALUATION, 'pim-app', DECIDED_AT), answer };
}

function refusal(entry: LedgerEntry, activation: PimActivation): AppError {
  try {
    answerFromEntry(entry, activation);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the entry was answered');
}

describe('pimEntryOf', () => {
  it('keeps the answer PIM receives as the body, under the evaluation id, with what was activated', () => {
    const { entry, answer } = entryFor(ROLE_ACTIVATION);
    expect(entry).toMatchObject({
      key: pimKey('9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b'),
      protocol: 'pim',
      decision: 'deny',
      resume: { apiVersion: 'answer', path: PIM_ROUTE, body: answer },
      stage: 'pim directory role fe930be7-5e62-47db-91af-98c3a49a38b1 at /',
      subject: { targetObjectId: '5e6c13ac-1147-4685-a32a-d31c30e75731', requestType: 'selfActivate' },
      state: 'sent',
      decidedAt: '2026-12-03T08:00:01.000Z',
      sentAt: '2026-12-03T08:00:01.000Z',
    });
    expect(entry.key).toEqual({ subject: '9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b', stageInstance: 'activation' });
  });
});

describe('answerFromEntry', () => {
  it.each([
    ['a group activation', GROUP_ACTIVATION],
    ['a directory role activation', ROLE_ACTIVATION],
    ['an Azure role activation', AZURE_ACTIVATION],
  ])('answers the same activation asking again: %s', (_name, activation) => {
    const { entry, answer } = entryFor(activation);
    expect(answerFromEntry(entry, activation)).toEqual(answer);
  });

  it('an Azure scope written in another case is the same activation', () => {
    const { entry, answer } = entryFor(AZURE_ACTIVATION);
    const shouted = activationFixture('azure-resource-activation', { scope: '/SUBSCRIPTIONS/3F2E1D0C-0001-4B5A-9C8D-7E6F5A4B3C2D/RESOURCEGROUPS/RG-PAYMENTS' });
    expect(answerFromEntry(entry, shouted)).toEqual(answer);
  });

  it.each<[string, PimActivation, PimActivation]>([
    ['another principal, same group request id', GROUP_ACTIVATION, activationFixture('group-activation', { principalId: '5e6c13ac-1147-4685-a32a-d31c30e75731' })],
    ['another group, same request id', GROUP_ACTIVATION, activationFixture('group-activation', { groupId: '1a2b3c4d-0002-4000-8000-00000000a002' })],
    ['ownership instead of membership, same request id', GROUP_ACTIVATION, activationFixture('group-activation', { accessId: 'owner' })],
    ['another principal, same role request id', ROLE_ACTIVATION, activationFixture('entra-role-activation', { principalId: 'a7529cd7-a86d-4455-8c43-00e7495481b0' })],
    ['another directory role, same request id', ROLE_ACTIVATION, activationFixture('entra-role-activation', { roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10' })],
    ['another directory scope, same request id', ROLE_ACTIVATION, activationFixture('entra-role-activation', { directoryScopeId: '/administrativeUnits/0f0e0d0c-0000-4000-8000-000000000001' })],
    ['a group activation under a role activation\'s id', ROLE_ACTIVATION, activationFixture('group-activation', { id: '9a0b1c2d-0002-4e5f-8a6b-7c8d9e0f1a2b', principalId: '5e6c13ac-1147-4685-a32a-d31c30e75731' })],
    ['another Azure principal', AZURE_ACTIVATION, activationFixture('azure-resource-activation', { principalId: '5e6c13ac-1147-4685-a32a-d31c30e75731' })],
    ['another Azure scope', AZURE_ACTIVATION, activationFixture('azure-resource-activation', { scope: '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/resourceGroups/rg-vendors' })],
    ['another Azure role', AZURE_ACTIVATION, activationFixture('azure-resource-activation', { roleDefinitionId: '/subscriptions/3f2e1d0c-0001-4b5a-9c8d-7e6f5a4b3c2d/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7' })],
  ])('refuses %s: CALLOUT.ID_MISMATCH', (_name, decided, asking) => {
    const { entry } = entryFor(decided);
    const error = refusal(entry, asking);
    expect(error.code).toBe('CALLOUT.ID_MISMATCH');
    expect(error.details).toEqual({ evaluationId: entry.key.subject });
    expect(error.retryable).toBe(false);
  });

  it('refuses an entry that is no PIM entry: CALLOUT.ID_MISMATCH', () => {
    const { entry } = entryFor(ROLE_ACTIVATION);
    expect(refusal({ ...entry, protocol: 'elm' }, ROLE_ACTIVATION).code).toBe('CALLOUT.ID_MISMATCH');
  });

  it.each<[string, Record<string, unknown>]>([
    ['no evaluation id', { evaluationOutcome: 'Denied', reason: [] }],
    ['an evaluation id that is not text', { evaluationId: 42, evaluationOutcome: 'Denied', reason: [] }],
    ['no outcome', { evaluationId: 'x', reason: [] }],
    ['an outcome PIM does not know', { evaluationId: 'x', evaluationOutcome: 'Maybe', reason: [] }],
    ['an outcome in another case', { evaluationId: 'x', evaluationOutcome: 'denied', reason: [] }],
    ['reasons that are no list', { evaluationId: 'x', evaluationOutcome: 'Denied', reason: 'outside the window' }],
    ['a reason that is not text', { evaluationId: 'x', evaluationOutcome: 'Denied', reason: ['ok', 7] }],
    ['an ELM resume body', { requestStatus: 'Denied' }],
  ])('an entry holding a malformed answer is INTERNAL: %s', (_name, body) => {
    const { entry } = entryFor(ROLE_ACTIVATION);
    const error = refusal({ ...entry, resume: { ...entry.resume, body } }, ROLE_ACTIVATION);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain(entry.key.subject);
  });
});

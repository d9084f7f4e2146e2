// `npm run resume` in-process against the tenant emulator: requests seeded waiting on our custom
// extension, the ledger in memory (shared across runs through --ledger), the prompt faked.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TenantEmulator } from '../../emulator/index.js';
import { emulatorCredential } from '../../scripts/common/emulator-credential.js';
import { entryOf } from '../../src/callout/ledger-entries.js';
import { elmResume } from '../../src/decision/resume-request.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { createGraphHttp, type GraphHttp } from '../../src/graph/graph-http.js';
import { parseGuid } from '../../src/guid.js';
import { ledgerKey, type DecisionLedger, type LedgerEntry } from '../../src/ledger/ledger.js';
import { createMemoryLedger } from '../../src/ledger/memory-ledger.js';
import { operatorFromToken } from '../../src/operator/operator-identity.js';
import { parseResumeArgs, RESUME_USAGE } from '../../src/operator/resume-args.js';
import { resumeCli, type ResumeSource } from '../../src/operator/resume-cli.js';
import { ResumeError } from '../../src/operator/resume-error.js';
import { calloutOf } from '../../src/operator/resume-plan.js';
import type { TenantSource } from '../../src/tenant-source.js';
import { miToken, PEOPLE, SOD } from '../emulator/graph-calls.js';
import { EXTENSIONS, extensionBody, graphSend } from '../emulator/graph-writes.js';
import { startTestEmulator } from '../support/emulator.js';

const LEDGER_URL = 'https://127.0.0.1:10002/devstoreaccount1/decisions';
const CREATED = 'assignmentRequestCreated' as const;
const id = (n: number) => `5e5e0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const instance = (n: number) => `1a5e0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let emulator: TenantEmulator;
let ours: string;
let ledger: DecisionLedger;

function seed(n: number, stage: string = CREATED): void {
  emulator.requests.seedWaiting({
    id: id(n),
    accessPackage: SOD.paymentsApprover,
    requestor: PEOPLE.avery,
    ageMs: 60_000,
    callout: { stage, stageInstanceId: instance(n), customExtensionId: ours },
  });
}

const resumes = (n: number) => emulator.requests.get(id(n))?.resumes ?? [];
const entryFor = (n: number) => ledger.read(ledgerKey(id(n), instance(n)));

/** An entry as a callout would have written it: a deny by policy at created. */
function calloutEntry(n: number, state: LedgerEntry['state']): LedgerEntry {
  const requestId = parseGuid(id(n));
  if (requestId === undefined) throw new Error('not a GUID');
  const listed = { id: requestId, state: 'submitted', status: 'WaitingForCallback', requestType: undefined, createdDateTime: undefined, accessPackage: undefined, instances: [] };
  const callout = calloutOf(listed, instance(n), CREATED);
  const shaped = elmResume(callout, callout.resume, { kind: 'deny', detail: 'Denied by policy: SOD-1' }, false);
  return { ...entryOf(callout, shaped, undefined, { by: 'callout', callerAppId: '11111111-0000-4000-8000-000000000001' }, new Date()), state };
}

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the command on the shared emulator and memory ledger; `wrap` sees every Graph call, `tty` answers the prompt. */
async function run(argv: string[], options: { wrap?: (http: GraphHttp) => GraphHttp; tty?: string; env?: Record<string, string> } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const openSource = (source: TenantSource): Promise<ResumeSource> => {
    if (source.kind !== 'emulator') return Promise.reject(new ResumeError(1, 'the tests use the emulator only'));
    const http = createGraphHttp(createGraphClient(emulatorCredential(emulator), emulator.origin));
    return Promise.resolve({
      graph: options.wrap === undefined ? http : options.wrap(http),
      graphOrigin: emulator.origin,
      label: 'the tenant emulator (test)',
      operator: undefined,
      openLedger: () => ledger,
      close: () => Promise.resolve(),
    });
  };
  const io = {
    out: (text: string) => { out += text; },
    err: (text: string) => { err += text; },
    interactive: options.tty !== undefined,
    ask: (question: string) => { err += question; return Promise.resolve(options.tty ?? ''); },
  };
  const code = await resumeCli(argv, io, { env: options.env ?? {}, openSource, timeoutMs: 5000, budgetMs: 10_000 });
  return { code, out, err };
}

const args = (n: number, ...more: string[]) => ['--request', id(n), '--ledger', LEDGER_URL, '--stage', CREATED, ...more];

beforeAll(async () => {
  emulator = await startTestEmulator();
  const token = await miToken(emulator);
  ours = String((await graphSend(emulator, 'POST', EXTENSIONS, token, extensionBody())).json['id']);
});
afterAll(() => emulator.close());
beforeEach(() => {
  ledger = createMemoryLedger();
  emulator.requests.v1ListsCalloutInstances = false;
});

describe('npm run resume', () => {
  test('continue at created: the exact body printed, sent once, the ledger names the operator and the reason', async () => {
    seed(1);
    const result = await run(args(1, '--decision', 'continue', '--detail', 'Checked by hand', '--reason', 'INC-42 approved by CISO', '--operator', 'ada@contoso.example', '--yes'));
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain(`POST v1.0 /identityGovernance/entitlementManagement/assignmentRequests/${id(1)}/resume`);
    expect(result.out).toContain('"customExtensionStageInstanceDetail": "Checked by hand"');
    expect(result.out).toContain('Outcome: resumed');
    expect(resumes(1)).toHaveLength(1);
    const sent = resumes(1)[0]?.body as { data: Record<string, unknown>; type: string };
    expect(sent.type).toBe('microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated');
    expect(sent.data).toEqual({ '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData', stage: CREATED, customExtensionStageInstanceId: instance(1), customExtensionStageInstanceDetail: 'Checked by hand' });
    expect(result.out).toContain(JSON.stringify(resumes(1)[0]?.body, null, 2));
    expect(await entryFor(1)).toMatchObject({ decision: 'continue', decidedBy: 'operator', operator: 'ada@contoso.example', reason: 'INC-42 approved by CISO', callerAppId: undefined, state: 'sent', stage: CREATED });
    // Found again by user and package, like a callout's: what the request's own read shows of whom it concerns.
    expect((await entryFor(1))?.subject).toMatchObject({ accessPackageId: SOD.paymentsApprover, targetObjectId: PEOPLE.avery });
  });

  test('deny at created: the request is denied; the reason defaults to the detail; --json is one document', async () => {
    seed(2);
    const result = await run(args(2, '--decision', 'deny', '--detail', 'SoD conflict with Vendor master', '--yes', '--json'));
    expect(result.code, result.err).toBe(0);
    const json = JSON.parse(result.out) as { outcome: string; resume: { body: { data: Record<string, unknown> } }; entry: Record<string, unknown> };
    expect(json.outcome).toBe('resumed');
    expect(json.resume.body.data['state']).toBe('denied');
    expect(emulator.requests.get(id(2))?.status).toBe('Denied');
    expect(json.entry).toMatchObject({ decision: 'deny', decidedBy: 'operator', operator: 'operator@emulator', reason: 'SoD conflict with Vendor master', state: 'sent' });
  });

  test('a deny at granted is refused: exit 2 naming the stage, nothing sent, nothing written', async () => {
    seed(3, 'assignmentRequestGranted');
    const result = await run(['--request', id(3), '--ledger', LEDGER_URL, '--stage', 'assignmentRequestGranted', '--decision', 'deny', '--yes']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^resume: stage assignmentRequestGranted cannot take a deny/);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(resumes(3)).toHaveLength(0);
    expect(await entryFor(3)).toBeUndefined();
  });

  test('continue at determining approval requirements sets the default approval stage (beta); a deny there is refused', async () => {
    const STAGE = 'assignmentRequestDeterminingApprovalRequirements';
    seed(30, STAGE);
    const denied = await run(['--request', id(30), '--ledger', LEDGER_URL, '--stage', STAGE, '--decision', 'deny', '--yes']);
    expect(denied.code).toBe(2);
    expect(denied.err).toMatch(/^resume: stage assignmentRequestDeterminingApprovalRequirements cannot take a deny/);
    const result = await run(['--request', id(30), '--ledger', LEDGER_URL, '--stage', STAGE, '--decision', 'continue', '--detail', 'Approval by the manager, set by hand', '--yes']);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain(`POST beta /identityGovernance/entitlementManagement/assignmentRequests/${id(30)}/resume`);
    const sent = resumes(30)[0];
    expect(sent?.version).toBe('beta');
    expect((sent?.body as { data: Record<string, unknown> }).data).toMatchObject({
      '@odata.type': 'microsoft.graph.assignmentRequestApprovalStageCallbackData',
      stage: STAGE,
      approvalStage: { primaryApprovers: [{ '@odata.type': '#microsoft.graph.requestorManager', managerLevel: 1 }], durationBeforeAutomaticDenial: 'P14D' },
    });
    expect(emulator.requests.get(id(30))?.state).toBe('pendingApproval');
    expect(await entryFor(30)).toMatchObject({ decision: 'approval-stage', decidedBy: 'operator', stage: STAGE, state: 'sent' });
  });

  test('--what-if prints the body and sends and writes nothing', async () => {
    seed(4);
    const result = await run(args(4, '--decision', 'continue', '--what-if'));
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('"customExtensionStageInstanceId": "' + instance(4) + '"');
    expect(result.out).toContain('--what-if: nothing sent, nothing written.');
    expect(resumes(4)).toHaveLength(0);
    expect(await entryFor(4)).toBeUndefined();
  });

  test('without --yes and no terminal: exit 2 in one line, nothing sent; at a terminal, "n" sends nothing and "y" sends', async () => {
    seed(5);
    const noTty = await run(args(5, '--decision', 'continue'));
    expect(noTty.code).toBe(2);
    expect(noTty.err).toBe('resume: not sent: stdin is not a terminal; pass --yes to send this resume\n');
    const declined = await run(args(5, '--decision', 'continue'), { tty: 'n' });
    expect(declined.code).toBe(1);
    expect(declined.err).toContain('Send this resume? [y/N]');
    expect(resumes(5)).toHaveLength(0);
    expect(await entryFor(5)).toBeUndefined();
    const accepted = await run(args(5, '--decision', 'continue'), { tty: 'y' });
    expect(accepted.code, accepted.err).toBe(0);
    expect(resumes(5)).toHaveLength(1);
  });

  test('the ledger holds a decision: that one is re-sent, and the output says so', async () => {
    seed(6);
    await ledger.claim(calloutEntry(6, 'decided'));
    const result = await run(['--request', id(6), '--ledger', LEDGER_URL, '--decision', 'continue', '--yes']);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('The ledger already holds a deny for this stage instance');
    expect(result.out).toContain('that decision is sent again, not yours');
    expect(result.out).toContain('Stage: assignmentRequestCreated (from the ledger)');
    expect(result.out).toContain("Outcome: resumed (the ledger's decision)");
    const sent = resumes(6)[0]?.body as { data: Record<string, unknown> };
    expect(sent.data).toMatchObject({ state: 'denied', customExtensionStageInstanceDetail: 'Denied by policy: SOD-1' });
    expect(await entryFor(6)).toMatchObject({ decision: 'deny', decidedBy: 'callout', state: 'sent' });
    // Who pushed it out, and why, is noted on the entry.
    expect((await entryFor(6))?.history).toEqual([{ at: expect.any(String) as unknown, action: 'resent', operator: 'operator@emulator', reason: 'Continued by an operator.' }]);
    expect(result.out).toMatch(/operator@emulator sent by hand/);
  });

  test('--replace on an entry Graph never received sends ours, and the ledger names the operator', async () => {
    seed(7);
    await ledger.claim(calloutEntry(7, 'decided'));
    const result = await run(args(7, '--decision', 'continue', '--detail', 'False positive: SOD-1 exception EX-9', '--replace', '--yes', '--operator', 'ada'));
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('--replace: yours is sent instead');
    const sent = resumes(7)[0]?.body as { data: Record<string, unknown> };
    expect(sent.data['state']).toBeUndefined();
    expect(sent.data['customExtensionStageInstanceDetail']).toBe('False positive: SOD-1 exception EX-9');
    expect(await entryFor(7)).toMatchObject({ decision: 'continue', decidedBy: 'operator', operator: 'ada', state: 'sent' });
    // The policy's decision is kept: an auditor sees what the operator replaced.
    expect((await entryFor(7))?.history).toEqual([expect.objectContaining({ action: 'replaced', operator: 'ada', replaced: expect.objectContaining({ decision: 'deny', decidedBy: 'callout', detail: 'Denied by policy: SOD-1' }) as unknown })]);
    expect(result.out).toMatch(/ada replaced its deny \(decided by callout at /);
  });

  test('--replace on an entry Graph received is refused: exit 2, nothing sent', async () => {
    seed(8);
    await ledger.claim(calloutEntry(8, 'sent'));
    const result = await run(args(8, '--decision', 'continue', '--replace', '--yes'));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^resume: the ledger's deny for this stage instance reached Graph \(sent\); it cannot be replaced\n$/);
    expect(resumes(8)).toHaveLength(0);
    expect(await entryFor(8)).toMatchObject({ decision: 'deny', state: 'sent' });
  });

  test('the ledger says Graph received it, yet Graph lists the instance open: exit 1 saying so, nothing sent', async () => {
    seed(31);
    await ledger.claim(calloutEntry(31, 'sent'));
    const result = await run(['--request', id(31), '--ledger', LEDGER_URL, '--decision', 'continue', '--yes']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^resume: not sent: the ledger says Graph accepted it at .* \(deny\), yet Graph lists callout instance .* open; Graph may not have caught up/);
    expect(resumes(31)).toHaveLength(0);
  });

  test('--replace loses to an instance that sent the entry after the plan read it: refused, nothing sent, the entry kept', async () => {
    seed(32);
    await ledger.claim(calloutEntry(32, 'decided'));
    // Between the plan's read and the replace, another instance sends the entry (its state moves on).
    const racing = (http: GraphHttp): GraphHttp => ({
      send: async (call, timeoutMs) => {
        const entry = await entryFor(32);
        if (call.method === 'GET' && entry?.state === 'decided' && call.path.includes('$expand')) await ledger.update({ ...entry, state: 'sent', sentAt: new Date().toISOString() });
        return http.send(call, timeoutMs);
      },
    });
    const result = await run(args(32, '--decision', 'continue', '--replace', '--yes'), { wrap: racing });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/Graph already received the ledger's deny for this callout \(sent\); it cannot be replaced|changed while it was being replaced/);
    expect(resumes(32)).toHaveLength(0);
    expect(await entryFor(32)).toMatchObject({ decision: 'deny', state: 'sent' });
  });

  test('Graph refuses because another answer got there first; the read-back shows it answered: already-resumed', async () => {
    seed(9);
    // v1.0 lists the callout instances here (sources disagree whether it does): the read-back shows ours answered.
    emulator.requests.v1ListsCalloutInstances = true;
    const first = (http: GraphHttp): GraphHttp => ({
      send: (call, timeoutMs) => {
        if (call.method === 'POST' && resumes(9).length === 0) {
          const body = { source: 'other', type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated', data: { '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData', stage: CREATED, customExtensionStageInstanceId: instance(9), customExtensionStageInstanceDetail: 'answered elsewhere' } };
          expect(emulator.requests.resume('v1.0', id(9), body).status).toBe(204);
        }
        return http.send(call, timeoutMs);
      },
    });
    const result = await run(args(9, '--decision', 'continue', '--yes'), { wrap: first });
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('Outcome: already-resumed');
    expect(result.out).toContain('Read back: answered');
    expect(result.out).toContain('detail "answered elsewhere"');
    expect(resumes(9)).toHaveLength(1);
    expect(await entryFor(9)).toMatchObject({ decidedBy: 'operator', state: 'confirmed' });
  });

  test('no open instance: exit 2 naming the statuses', async () => {
    seed(10);
    expect((await run(args(10, '--decision', 'continue', '--yes'))).code).toBe(0);
    const again = await run(args(10, '--decision', 'continue', '--yes'));
    expect(again.code).toBe(2);
    expect(again.err).toBe(`resume: request ${id(10)} has no open callout instance (its callout instances: ${instance(10)} callbackReceived)\n`);
  });

  test('a state that allows two stages and no ledger entry asks for --stage', async () => {
    seed(11);
    const result = await run(['--request', id(11), '--ledger', LEDGER_URL, '--decision', 'continue', '--yes']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/may wait at assignmentRequestCreated or assignmentRequestDeterminingApprovalRequirements .*give --stage <stage>/);
    expect(resumes(11)).toHaveLength(0);
  });

  test.each([
    [['--decision', 'continue'], '--request <id> is required'],
    [['--request', 'nope', '--decision', 'continue'], '--request must be a GUID'],
    [['--request', id(1), '--decision', 'approve'], '--decision must be continue or deny'],
    [['--request', id(1), '--decision', 'deny', '--detail', 'x'.repeat(501)], '--detail is 501 characters; at most 500'],
    [['--request', id(1), '--decision', 'deny', '--stage', 'assignmentFourteenDaysBeforeExpiration'], '--stage must be one of'],
    [['--request', id(1), '--decision', 'deny', '--stage-instance', '12'], '--stage-instance must be a GUID'],
    [['--request', id(1), '--decision', 'deny', '--what-if', '--yes'], 'give --what-if or --yes, not both'],
    [['--request', id(1), '--decision', 'deny', '--live', '--tenant-id', PEOPLE.avery, '--operator', 'x', '--ledger', LEDGER_URL], '--operator is for the emulator'],
    [['--request', id(1), '--decision', 'deny', '--live', '--tenant-id', PEOPLE.avery], '--live needs the decision ledger'],
    [['--request', id(1), '--decision', 'deny', '--bogus'], "Unknown option '--bogus'"],
  ])('usage error %j: exit 2 with one line and the usage', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    const [line, ...usage] = result.err.split('\n');
    expect(line).toContain(message);
    expect(usage.join('\n')).toBe(`\n${RESUME_USAGE}\n`);
    expect(result.out).toBe('');
  });

  test('--help prints the usage', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: npm run resume -- --request <id> --decision continue\|deny/);
    expect(parseResumeArgs(['--request', id(1), '--decision', 'Deny'], {})).toMatchObject({ kind: 'run', args: { decision: 'deny', reason: 'Denied by an operator.' } });
  });
});

describe('the operator from the signed-in token', () => {
  const token = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  test('upn, else unique_name, else the object id; nothing for a token that is not a JWT', () => {
    expect(operatorFromToken(token({ upn: 'ada@contoso.example', oid: 'x' }))).toBe('ada@contoso.example');
    expect(operatorFromToken(token({ unique_name: 'live.com#ada@example.com' }))).toBe('live.com#ada@example.com');
    expect(operatorFromToken(token({ oid: '0e0e0e0e-0000-4000-8000-00000000e0e0' }))).toBe('oid:0e0e0e0e-0000-4000-8000-00000000e0e0');
    expect(operatorFromToken('not-a-jwt')).toBeUndefined();
    expect(operatorFromToken('a.%%%.b')).toBeUndefined();
  });
});

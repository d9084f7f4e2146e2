import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Outcome } from '../../src/callout/decision-record.js';

/** One callout the demo replays, and what must come of it. */
export interface Scenario {
  readonly name: string;
  readonly body: Record<string, unknown>;
  /** Make the emulated tenant wait for this callout first (as Entra does when it sends it). */
  readonly awaitFirst: boolean;
  readonly withToken: boolean;
  readonly expect: {
    readonly status: number;
    readonly outcome?: Outcome;
    readonly resumes: number;
    /** The decision under policy/sample.policy.json and the sample tenant. */
    readonly decision?: string;
    /** `check-id/messageId` of every finding, sorted. */
    readonly findings?: readonly string[];
  };
}

/** The repository root: the first directory above this module with a package.json (source or dist). */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const FIXTURES_DIR = join(repositoryRoot(), 'test', 'fixtures') + '/';

export function readFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}${name}`, 'utf8')) as Record<string, unknown>;
}

/**
 * A request-stage callout (wire shape) with its own stage instance, request and callback path,
 * so that many distinct callouts can be sent from one fixture. `tag` is 8 hex digits.
 */
export function withFreshIds(body: Record<string, unknown>, tag: string, seq: number): Record<string, unknown> {
  const suffix = seq.toString(16).padStart(12, '0');
  const requestId = `${tag}-0000-4000-8000-${suffix}`;
  return {
    ...body,
    CustomExtensionStageInstanceId: `${tag}-1111-4000-8000-${suffix}`,
    AccessPackageAssignmentRequestId: requestId,
    CallbackUriPath: `/identityGovernance/entitlementManagement/assignmentRequests/${requestId}/resume`,
  };
}

/** The outcome each fixture must have under the sample policy and the sample tenant. */
const EXPECTED: Readonly<Record<string, Scenario['expect']>> = {
  'elm-request-created.wire.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'continue', findings: [] },
  'elm-request-created.risky-user.wire.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'deny', findings: ['risky-user/riskTooHigh'] },
  'elm-request-created.graph-doc.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'continue', findings: [] },
  'elm-request-created.flat-camel.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'continue', findings: [] },
  'elm-approval-requirements.wire.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'approval-stage', findings: [] },
  'elm-request-approved.wire.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'continue', findings: ['justification/patternMissing'] },
  'elm-request-granted.legacy-path.wire.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'continue', findings: [] },
  'elm-request-granted.continue.wire.json': { status: 200, outcome: 'launch-and-continue', resumes: 0, decision: 'continue', findings: [] },
  'elm-request-created.sod-conflict.wire.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'deny', findings: ['separation-of-duties/newConflict'] },
  'elm-request-created.sod-pending-request.wire.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'deny', findings: ['separation-of-duties/newConflict'] },
  'elm-request-created.sod-eligible-role.wire.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'deny', findings: ['separation-of-duties/newConflict'] },
  'elm-request-approved.sod-nested-group.wire.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'continue', findings: ['separation-of-duties/newConflict'] },
  'elm-request-removed.wire.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'continue', findings: [] },
  'elm-connection-test.json': { status: 200, outcome: 'connection-test', resumes: 0, decision: 'none', findings: [] },
  'elm-one-day-before-expiration.wire.json': { status: 200, outcome: 'not-resumable', resumes: 0, decision: 'none' },
  'elm-fourteen-days-before-expiration.wire.json': { status: 200, outcome: 'not-resumable', resumes: 0, decision: 'none' },
  'lcw-custom-task.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'complete', findings: [] },
  'lcw-custom-task.tasks-path.json': { status: 200, outcome: 'resumed', resumes: 1, decision: 'complete', findings: [] },
};

/** The sample policy the demo and the end-to-end scenario tests run on. */
export const SAMPLE_POLICY = join(repositoryRoot(), 'policy', 'sample.policy.json');

/** `check-id/messageId` of every finding in a decision record, sorted. */
export function findingIds(record: Record<string, unknown>): string[] {
  const checks = Array.isArray(record['checks']) ? (record['checks'] as { findings?: { checkId: string; messageId: string }[] }[]) : [];
  return checks.flatMap((c) => (c.findings ?? []).map((f) => `${f.checkId}/${f.messageId}`)).sort();
}

/** Every fixture, then a repeat delivery, a forged callback path and an unauthenticated call. */
export function demoScenarios(): Scenario[] {
  const names = readdirSync(FIXTURES_DIR).filter((f) => f.endsWith('.json')).sort();
  const unknown = names.filter((n) => !(n in EXPECTED));
  if (unknown.length > 0) throw new Error(`fixtures without an expected outcome: ${unknown.join(', ')}`);
  const fixtures: Scenario[] = names.map((name) => ({
    name: name.replace(/\.json$/, ''),
    body: readFixture(name),
    awaitFirst: true,
    withToken: true,
    expect: EXPECTED[name] ?? { status: 0, resumes: 0 },
  }));
  const created = readFixture('elm-request-created.wire.json');
  return [
    ...fixtures,
    { name: 'repeat of elm-request-created.wire', body: created, awaitFirst: false, withToken: true, expect: { status: 200, outcome: 'already-resumed', resumes: 0 } },
    {
      name: 'callback path of another request',
      body: { ...created, CustomExtensionStageInstanceId: 'a8c2e4f6-0b1d-4e3f-9a5b-7c9d1e3f5a7b', CallbackUriPath: '/identityGovernance/entitlementManagement/assignmentRequests/99999999-9999-4999-8999-999999999999/resume' },
      awaitFirst: false,
      withToken: true,
      expect: { status: 400, resumes: 0 },
    },
    { name: 'no bearer token', body: created, awaitFirst: false, withToken: false, expect: { status: 401, resumes: 0 } },
  ];
}

import { describe, expect, it } from 'vitest';
import { Deadline } from '../../src/graph/retry.js';
import { resolvePackage, resolveUser } from '../../src/what-if/resolve-subjects.js';
import { WhatIfError } from '../../src/what-if/what-if-error.js';
import { answer, ScriptedGraph, transport, VirtualClock } from '../support/fake-graph.js';
import { guid } from '../support/graph-paths.js';

const AVERY = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
const PAYMENTS = guid('97979783-38c5-40ae-b74e-404935a04ffd');
const FINANCE = guid('26803898-8c26-4ca8-ba50-15552ecd4c9d');

function setup(gets: ConstructorParameters<typeof ScriptedGraph>[1]) {
  const clock = new VirtualClock();
  const graph = new ScriptedGraph([], gets, clock);
  return { graph, deadline: Deadline.after(clock, 5000), retry: { clock, timeoutMs: 1000, random: () => 0.5 } };
}

async function failure(promise: Promise<unknown>): Promise<{ exitCode: number; message: string }> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof WhatIfError)) throw new Error(`expected a WhatIfError, got ${String(error)}`);
  return { exitCode: error.exitCode, message: error.message };
}

const forbidden = answer(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges.' } });

describe('resolving the user', () => {
  it('by object id: GET /users/{id} with id, displayName and userPrincipalName', async () => {
    const { graph, deadline, retry } = setup([answer(200, { id: AVERY.toUpperCase(), displayName: 'Avery Lindqvist', userPrincipalName: 'avery@contoso.example' })]);
    expect(await resolveUser(graph, AVERY, deadline, retry)).toEqual({ id: AVERY, displayName: 'Avery Lindqvist', userPrincipalName: 'avery@contoso.example' });
    expect(graph.calls[0]).toEqual({ method: 'GET', version: 'v1.0', path: `/users/${AVERY}?$select=id,displayName,userPrincipalName` });
  });

  it("a guest's UPN is escaped (#EXT# would end the path), the @ kept", async () => {
    const { graph, deadline, retry } = setup([answer(200, { id: AVERY })]);
    await resolveUser(graph, 'casey_fabrikam.example#EXT#@contoso.example', deadline, retry);
    expect(graph.calls[0]?.path).toBe('/users/casey_fabrikam.example%23EXT%23@contoso.example?$select=id,displayName,userPrincipalName');
  });

  it('an unknown user is exit 2, in one line', async () => {
    const { graph, deadline, retry } = setup([answer(404, { error: { code: 'Request_ResourceNotFound' } })]);
    expect(await failure(resolveUser(graph, 'nobody@contoso.example', deadline, retry))).toEqual({ exitCode: 2, message: 'No user nobody@contoso.example in the tenant (Graph answered 404).' });
  });

  it('a refused read is exit 1 and names the permission', async () => {
    const { graph, deadline, retry } = setup([forbidden]);
    expect(await failure(resolveUser(graph, AVERY, deadline, retry))).toEqual({
      exitCode: 1,
      message: `Graph refused GET v1.0 /users/${AVERY} (403 Authorization_RequestDenied); the credential needs User.Read.All.`,
    });
  });

  it('an answer without an object id is exit 1', async () => {
    const { graph, deadline, retry } = setup([answer(200, { displayName: 'x' })]);
    expect(await failure(resolveUser(graph, AVERY, deadline, retry))).toEqual({ exitCode: 1, message: `Graph's answer to GET v1.0 /users/${AVERY} has no object id.` });
  });

  it('Graph unreachable until the budget ends is exit 1', async () => {
    const { graph, deadline, retry } = setup(Array.from({ length: 50 }, () => transport('network')));
    const { exitCode, message } = await failure(resolveUser(graph, AVERY, deadline, retry));
    expect(exitCode).toBe(1);
    expect(message).toMatch(new RegExp(`^GET v1.0 /users/${AVERY} failed: scripted network failure; gave up after \\d+ attempt\\(s\\)\\.$`));
  });
});

describe('resolving the access package', () => {
  it('with its catalog expanded', async () => {
    const { graph, deadline, retry } = setup([answer(200, { id: PAYMENTS, displayName: 'Payments - Approver', catalog: { id: FINANCE, displayName: 'Finance' } })]);
    expect(await resolvePackage(graph, PAYMENTS, undefined, deadline, retry)).toEqual({
      id: PAYMENTS, displayName: 'Payments - Approver', catalog: { id: FINANCE, displayName: 'Finance' }, catalogFrom: 'graph',
    });
    expect(graph.calls[0]?.path).toBe(`/identityGovernance/entitlementManagement/accessPackages/${PAYMENTS}?$select=id,displayName&$expand=catalog($select=id,displayName)`);
  });

  it('with --catalog: the catalog is the operator\'s and not asked of Graph', async () => {
    const { graph, deadline, retry } = setup([answer(200, { id: PAYMENTS, displayName: 'Payments - Approver' })]);
    expect(await resolvePackage(graph, PAYMENTS, FINANCE, deadline, retry)).toMatchObject({ catalog: { id: FINANCE, displayName: undefined }, catalogFrom: 'argument' });
    expect(graph.calls[0]?.path).toBe(`/identityGovernance/entitlementManagement/accessPackages/${PAYMENTS}?$select=id,displayName`);
  });

  it('an unknown package is exit 2, in one line', async () => {
    const { graph, deadline, retry } = setup([answer(404, { error: { code: 'ResourceNotFound' } })]);
    expect(await failure(resolvePackage(graph, PAYMENTS, undefined, deadline, retry))).toEqual({ exitCode: 2, message: `No access package ${PAYMENTS} in the tenant (Graph answered 404).` });
  });

  it('a Graph that does not expand the catalog: exit 1, pointing at --catalog', async () => {
    const { graph, deadline, retry } = setup([answer(400, { error: { code: 'Request_UnsupportedQuery' } })]);
    expect(await failure(resolvePackage(graph, PAYMENTS, undefined, deadline, retry))).toEqual({
      exitCode: 1,
      message: `Graph answered 400 Request_UnsupportedQuery to GET v1.0 /identityGovernance/entitlementManagement/accessPackages/${PAYMENTS} with $expand=catalog; give the package's catalog with --catalog <id>.`,
    });
  });

  it('an answer without a catalog: exit 1, pointing at --catalog', async () => {
    const { graph, deadline, retry } = setup([answer(200, { id: PAYMENTS, displayName: 'Payments - Approver' })]);
    expect((await failure(resolvePackage(graph, PAYMENTS, undefined, deadline, retry))).message).toBe(
      `Graph's answer to GET v1.0 /identityGovernance/entitlementManagement/accessPackages/${PAYMENTS} names no catalog; give the package's catalog with --catalog <id>.`,
    );
  });

  it('a refused read names the permission', async () => {
    const { graph, deadline, retry } = setup([forbidden]);
    expect((await failure(resolvePackage(graph, PAYMENTS, FINANCE, deadline, retry))).message).toBe(
      `Graph refused GET v1.0 /identityGovernance/entitlementManagement/accessPackages/${PAYMENTS} (403 Authorization_RequestDenied); the credential needs EntitlementManagement.Read.All.`,
    );
  });
});

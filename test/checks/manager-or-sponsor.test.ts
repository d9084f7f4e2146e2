import { describe, expect, it } from 'vitest';
import check from '../../src/checks/manager-or-sponsor.js';
import type { DirectoryRef } from '../../src/facts/fact-types.js';
import { directoryUser, elmAssignment, elmRequest, evaluate, lcwTask, rendered } from './support.js';

const MANAGER: DirectoryRef = { id: 'aaaaaaaa-0000-4000-8000-000000000001', displayName: 'Mary Manager' };
const SPONSOR: DirectoryRef = { id: 'aaaaaaaa-0000-4000-8000-000000000002', displayName: 'Sam Sponsor' };

interface Row {
  readonly userType: string | undefined;
  readonly manager: DirectoryRef | null;
  readonly sponsors: readonly DirectoryRef[];
  readonly options?: Record<string, unknown>;
}
const run = ({ userType, manager, sponsors, options }: Row) =>
  evaluate(check, elmRequest(), { targetUser: directoryUser({ userType }), targetManager: manager, targetSponsors: sponsors }, options);

describe('manager-or-sponsor', () => {
  it.each<[string, Row]>([
    ['a member with a manager', { userType: 'Member', manager: MANAGER, sponsors: [] }],
    ['a member without a manager when members need none', { userType: 'Member', manager: null, sponsors: [], options: { membersNeedManager: false } }],
    ['a guest with a sponsor', { userType: 'Guest', manager: null, sponsors: [SPONSOR] }],
    ['a guest with a manager when that suffices', { userType: 'Guest', manager: MANAGER, sponsors: [], options: { guestManagerSuffices: true } }],
    ['a guest without a sponsor when guests need none', { userType: 'guest', manager: null, sponsors: [], options: { guestsNeedSponsor: false } }],
  ])('passes %s', (_name, row) => {
    expect(run(row)).toEqual([]);
  });

  it.each<[string, Row, string, Record<string, unknown>]>([
    ['a member without a manager', { userType: 'Member', manager: null, sponsors: [SPONSOR] }, 'noManager', { treatedAs: 'member', managerId: null, sponsors: 1 }],
    ['a user without userType, as a member', { userType: undefined, manager: null, sponsors: [] }, 'noManager', { treatedAs: 'member', managerId: null, sponsors: 0 }],
    ['a guest without a sponsor', { userType: 'Guest', manager: MANAGER, sponsors: [] }, 'noSponsor', { treatedAs: 'guest', managerId: MANAGER.id, sponsors: 0 }],
    ['a guest in other casing', { userType: 'GUEST', manager: null, sponsors: [] }, 'noSponsor', { treatedAs: 'guest', managerId: null, sponsors: 0 }],
    ['a guest with neither when a manager suffices', { userType: 'Guest', manager: null, sponsors: [], options: { guestManagerSuffices: true } }, 'noSponsorOrManager', { treatedAs: 'guest', managerId: null, sponsors: 0 }],
  ])('fails %s', (_name, row, messageId, evidence) => {
    const reports = run(row);
    expect(reports.map((r) => ({ messageId: r.messageId, data: r.data, evidence: r.evidence }))).toEqual([{ messageId, data: undefined, evidence }]);
  });

  it('says what is missing in words an approver reads', () => {
    expect(rendered(check, run({ userType: 'Guest', manager: null, sponsors: [] }))).toEqual(['The guest has no sponsor; guests need one.']);
  });

  it.each([['elm-assignment', elmAssignment()], ['lcw-task', lcwTask()]])('runs on %s callouts', (_kind, callout) => {
    const reports = evaluate(check, callout, { targetUser: directoryUser(), targetManager: null, targetSponsors: [] });
    expect(reports.map((r) => r.messageId)).toEqual(['noManager']);
  });
});

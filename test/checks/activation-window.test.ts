// The activation-window check (src/checks/activation-window.ts) on PIM activations: days and hours
// in a time zone, a scheduled activation judged by its start, maintenance windows, exception groups
// and what allowedBy lets through; the options it refuses; and that it runs on activations only.
import { describe, expect, it } from 'vitest';
import check from '../../src/checks/activation-window.js';
import { CHECK_LIST } from '../../src/checks/index.js';
import { AppError } from '../../src/errors.js';
import type { PimActivation } from '../../src/pim/activation.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { elmAssignment, elmRequest, evaluate, idsAndData, lcwTask, optionsProblem, pimActivation, pimSchedule, rendered } from './support.js';

const ONCALL = '0c0c0c0c-0000-4000-8000-000000000001';
const OTHER_GROUP = '0c0c0c0c-0000-4000-8000-000000000002';
const WEEKDAYS = 'mon, tue, wed, thu, fri 08:00–18:00';
const AMSTERDAM = { timeZone: 'Europe/Amsterdam' };
const NIGHTS = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '22:00', to: '06:00' };

interface Row {
  /** When the activation arrives. */
  readonly now: string;
  readonly options?: Record<string, unknown>;
  readonly activation?: Partial<PimActivation>;
  /** Groups the principal is a member of (the targetGroups fact). */
  readonly groups?: readonly string[];
}
const run = ({ now, options = {}, activation = {}, groups = [] }: Row) =>
  evaluate(check, pimActivation(activation), { now: Date.parse(now), targetGroups: groups.map((id) => ({ id, displayName: 'On call' })) }, options);
const outside = (local: string, timeZone = 'UTC', window = WEEKDAYS) => [{ messageId: 'outsideWindow', data: { local, timeZone, window } }];
const startingAt = (startDateTime: string): Partial<PimActivation> => ({ schedule: pimSchedule({ startDateTime }) });

describe('activation-window passes', () => {
  it.each<[string, Row]>([
    ['a Thursday morning inside the default window (UTC)', { now: '2026-12-03T09:00:00Z' }],
    ['the minute the window opens', { now: '2026-12-03T08:00:00Z' }],
    ['the last minute before it closes', { now: '2026-12-03T17:59:59Z' }],
    ['06:30 UTC in July: 08:30 in Amsterdam (summer time, UTC+2)', { now: '2026-07-02T06:30:00Z', options: AMSTERDAM }],
    ['16:30 UTC in December: 17:30 in Amsterdam (UTC+1)', { now: '2026-12-03T16:30:00Z', options: AMSTERDAM }],
    ['both 02:30s of the night summer time ends in Amsterdam (CEST)', { now: '2026-10-25T00:30:00Z', options: { ...AMSTERDAM, days: ['sun'], from: '02:00', to: '03:00' } }],
    ['both 02:30s of the night summer time ends in Amsterdam (CET)', { now: '2026-10-25T01:30:00Z', options: { ...AMSTERDAM, days: ['sun'], from: '02:00', to: '03:00' } }],
    ['a weekday night window on Friday at 23:00', { now: '2026-12-04T23:00:00Z', options: NIGHTS }],
    ['Friday night at midnight (Saturday 00:00 belongs to Friday)', { now: '2026-12-05T00:00:00Z', options: NIGHTS }],
    ['Friday night at Saturday 05:59', { now: '2026-12-05T05:59:00Z', options: NIGHTS }],
    ['Monday night at 23:00', { now: '2026-12-07T23:00:00Z', options: NIGHTS }],
    ['Sunday noon, scheduled to start Monday 09:00: judged by its start', { now: '2026-11-22T12:00:00Z', activation: startingAt('2026-11-23T09:00:00Z') }],
    ['a start given without a zone is read as UTC', { now: '2026-11-22T12:00:00Z', activation: startingAt('2026-11-23T09:00:00') }],
    ['Thursday 10:00, its start stamped a few seconds earlier: judged by now', { now: '2026-12-03T10:00:00Z', activation: startingAt('2026-12-03T09:59:55Z') }],
  ])('%s', (_name, row) => {
    expect(run(row)).toEqual([]);
  });
});

describe('activation-window fails', () => {
  it.each<[string, Row, ReturnType<typeof outside>]>([
    ['a minute before the window opens', { now: '2026-12-03T07:59:00Z' }, outside('thu 07:59')],
    ['the minute it closes', { now: '2026-12-03T18:00:00Z' }, outside('thu 18:00')],
    ['a Saturday', { now: '2026-12-05T10:00:00Z' }, outside('sat 10:00')],
    ['06:30 UTC in December: 07:30 in Amsterdam (UTC+1)', { now: '2026-12-03T06:30:00Z', options: AMSTERDAM }, outside('thu 07:30', 'Europe/Amsterdam')],
    ['16:30 UTC in July: 18:30 in Amsterdam (summer time, UTC+2)', { now: '2026-07-02T16:30:00Z', options: AMSTERDAM }, outside('thu 18:30', 'Europe/Amsterdam')],
    ['the hour summer time skips in Amsterdam has no 02:30 (01:30 before it)', { now: '2026-03-29T00:30:00Z', options: { ...AMSTERDAM, days: ['sun'], from: '02:00', to: '03:00' } }, outside('sun 01:30', 'Europe/Amsterdam', 'sun 02:00–03:00')],
    ['the hour summer time skips in Amsterdam has no 02:30 (03:30 after it)', { now: '2026-03-29T01:30:00Z', options: { ...AMSTERDAM, days: ['sun'], from: '02:00', to: '03:00' } }, outside('sun 03:30', 'Europe/Amsterdam', 'sun 02:00–03:00')],
    ['Monday 03:00 belongs to Sunday night, which is not allowed', { now: '2026-12-07T03:00:00Z', options: NIGHTS }, outside('mon 03:00', 'UTC', 'mon, tue, wed, thu, fri 22:00–06:00')],
    ['Sunday 23:00 is Sunday night', { now: '2026-12-06T23:00:00Z', options: NIGHTS }, outside('sun 23:00', 'UTC', 'mon, tue, wed, thu, fri 22:00–06:00')],
    ['Saturday 06:00, when Friday night is over', { now: '2026-12-05T06:00:00Z', options: NIGHTS }, outside('sat 06:00', 'UTC', 'mon, tue, wed, thu, fri 22:00–06:00')],
    ['a weekday afternoon, outside a night window', { now: '2026-12-03T12:00:00Z', options: NIGHTS }, outside('thu 12:00', 'UTC', 'mon, tue, wed, thu, fri 22:00–06:00')],
    ['Thursday 10:00, scheduled to start Saturday: judged by its start', { now: '2026-12-03T10:00:00Z', activation: startingAt('2026-12-05T10:00:00Z') }, outside('sat 10:00')],
    ['Sunday noon, its start stamped on Friday: judged by now', { now: '2026-11-22T12:00:00Z', activation: startingAt('2026-11-20T10:00:00Z') }, outside('sun 12:00')],
    ['Sunday noon, immediate (no schedule)', { now: '2026-11-22T12:00:00Z', activation: { schedule: undefined } }, outside('sun 12:00')],
    ['Sunday noon, a start that is not a date: judged by now', { now: '2026-11-22T12:00:00Z', activation: startingAt('Monday') }, outside('sun 12:00')],
  ])('%s', (_name, row, expected) => {
    expect(idsAndData(run(row))).toEqual(expected);
  });

  it('reads plainly and keeps the instant judged as evidence', () => {
    const reports = run({ now: '2026-12-03T10:00:00Z', activation: startingAt('2026-12-05T10:00:00Z'), options: AMSTERDAM });
    expect(rendered(check, reports)).toEqual(['sat 11:00 Europe/Amsterdam is outside the activation window (mon, tue, wed, thu, fri 08:00–18:00).']);
    expect(reports[0]?.evidence).toEqual({
      at: '2026-12-05T10:00:00.000Z',
      timeZone: 'Europe/Amsterdam',
      detail: 'sat 11:00 Europe/Amsterdam is outside the activation window (mon, tue, wed, thu, fri 08:00–18:00 Europe/Amsterdam)',
    });
    expect(reports[0]?.notice).toBeUndefined();
  });
});

describe('maintenance windows', () => {
  const CHANGE = { start: '2026-11-22T10:00:00Z', end: '2026-11-22T14:00:00Z', name: 'CHG0012500 SAP upgrade' };

  it('allow any time inside them, with a notice that says which', () => {
    const reports = run({ now: '2026-11-22T12:00:00Z', options: { maintenanceWindows: [CHANGE] } });
    expect(idsAndData(reports)).toEqual([{ messageId: 'allowedOutside', data: { detail: 'inside the maintenance window CHG0012500 SAP upgrade' } }]);
    expect(reports[0]?.notice).toBe(true);
    expect(rendered(check, reports)).toEqual(['Allowed outside the window: inside the maintenance window CHG0012500 SAP upgrade.']);
  });

  it('a window without a name is named by its start and end; a start in another offset is the same instant', () => {
    const unnamed = { start: '2026-11-22T11:00:00+01:00', end: '2026-11-22T14:00:00Z' };
    expect(idsAndData(run({ now: '2026-11-22T10:00:00Z', options: { maintenanceWindows: [unnamed] } }))).toEqual([
      { messageId: 'allowedOutside', data: { detail: 'inside the maintenance window 2026-11-22T11:00:00+01:00–2026-11-22T14:00:00Z' } },
    ]);
  });

  it('the start is inside, the end is not', () => {
    expect(run({ now: CHANGE.start, options: { maintenanceWindows: [CHANGE] } }).map((r) => r.messageId)).toEqual(['allowedOutside']);
    expect(idsAndData(run({ now: CHANGE.end, options: { maintenanceWindows: [CHANGE] } }))).toEqual(outside('sun 14:00'));
  });

  it('a scheduled activation is inside when its start is', () => {
    expect(run({ now: '2026-11-21T12:00:00Z', activation: startingAt('2026-11-22T11:00:00Z'), options: { maintenanceWindows: [CHANGE] } }).map((r) => r.messageId)).toEqual(['allowedOutside']);
    expect(run({ now: '2026-11-22T12:00:00Z', activation: startingAt('2026-11-22T15:00:00Z'), options: { maintenanceWindows: [CHANGE] } }).map((r) => r.messageId)).toEqual(['outsideWindow']);
  });

  it('count only when allowedBy names them', () => {
    expect(idsAndData(run({ now: '2026-11-22T12:00:00Z', options: { maintenanceWindows: [CHANGE], allowedBy: ['window', 'exceptionGroups'] } }))).toEqual(outside('sun 12:00'));
  });
});

describe('exception groups', () => {
  it('are read (targetGroups) only when used and allowedBy names them', () => {
    expect(check.needsFor(check.defaultOptions)).toEqual([]);
    expect(check.needsFor({ ...check.defaultOptions, exceptionGroups: [ONCALL] })).toEqual(['targetGroups']);
    expect(check.needsFor({ ...check.defaultOptions, exceptionGroups: [ONCALL], allowedBy: ['exceptionGroups'] })).toEqual(['targetGroups']);
    expect(check.needsFor({ ...check.defaultOptions, exceptionGroups: [ONCALL], allowedBy: ['window', 'maintenanceWindows'] })).toEqual([]);
    expect(check.needsFor({ ...check.defaultOptions, exceptionGroups: [], allowedBy: ['window', 'exceptionGroups'] })).toEqual([]);
  });

  it('a member (direct or nested: the fact is transitive) may activate at any time, with a notice naming the group', () => {
    const reports = run({ now: '2026-11-22T12:00:00Z', options: { exceptionGroups: [ONCALL.toUpperCase()] }, groups: [OTHER_GROUP, ONCALL] });
    expect(idsAndData(reports)).toEqual([{ messageId: 'allowedOutside', data: { detail: `a member of exception group ${ONCALL}` } }]);
    expect(reports[0]?.notice).toBe(true);
  });

  it('a non-member is judged by the window', () => {
    expect(idsAndData(run({ now: '2026-11-22T12:00:00Z', options: { exceptionGroups: [ONCALL] }, groups: [OTHER_GROUP] }))).toEqual(outside('sun 12:00'));
  });

  it('membership is not looked at when allowedBy leaves exception groups out', () => {
    expect(idsAndData(run({ now: '2026-11-22T12:00:00Z', options: { exceptionGroups: [ONCALL], allowedBy: ['window'] }, groups: [ONCALL] }))).toEqual(outside('sun 12:00'));
  });

  it('a member inside the window fails nothing', () => {
    expect(run({ now: '2026-12-03T09:00:00Z', options: { exceptionGroups: [ONCALL] }, groups: [ONCALL] }).filter((r) => r.notice !== true)).toEqual([]);
  });
});

describe('allowedBy ["exceptionGroups"] alone: only the on-call rota passes', () => {
  const ROTA = { exceptionGroups: [ONCALL], allowedBy: ['exceptionGroups'] };

  it.each([
    ['inside the window', '2026-12-03T09:00:00Z'],
    ['outside the window', '2026-11-22T12:00:00Z'],
  ])('a non-member %s fails with notAllowedBy', (_name, now) => {
    const reports = run({ now, options: ROTA, groups: [OTHER_GROUP] });
    expect(idsAndData(reports)).toEqual([{ messageId: 'notAllowedBy', data: { allowed: 'exception groups' } }]);
    expect(reports[0]?.notice).toBeUndefined();
    expect(rendered(check, reports)).toEqual(['Only exception groups allow an activation here, and none applies to this one.']);
  });

  it.each([
    ['inside the window', '2026-12-03T09:00:00Z'],
    ['outside the window', '2026-11-22T12:00:00Z'],
  ])('a member %s passes, noted', (_name, now) => {
    const reports = run({ now, options: ROTA, groups: [ONCALL] });
    expect(reports.map((r) => [r.messageId, r.notice])).toEqual([['allowedOutside', true]]);
  });

  it('with maintenance windows too, both are named, in the order allowedBy gives', () => {
    const options = { ...ROTA, allowedBy: ['maintenanceWindows', 'exceptionGroups'], maintenanceWindows: [{ start: '2026-11-22T10:00:00Z', end: '2026-11-22T14:00:00Z' }] };
    expect(idsAndData(run({ now: '2026-12-03T09:00:00Z', options }))).toEqual([{ messageId: 'notAllowedBy', data: { allowed: 'maintenance windows or exception groups' } }]);
    expect(run({ now: '2026-11-22T12:00:00Z', options }).map((r) => [r.messageId, r.notice])).toEqual([['allowedOutside', true]]);
  });
});

describe('activation-window options', () => {
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a time zone the runtime does not know', { timeZone: 'Europe/Atlantis' }, '/timeZone', /"Europe\/Atlantis" is not an IANA time zone/],
    ['from equal to to', { from: '09:00', to: '09:00' }, '/to', /must differ from from/],
    ['a maintenance window ending before it starts', { maintenanceWindows: [{ start: '2026-12-05T20:00:00Z', end: '2026-12-05T02:00:00Z' }] }, '/maintenanceWindows/0/end', /must be after start/],
    ['a maintenance window ending as it starts', { maintenanceWindows: [{ start: '2026-12-05T20:00:00Z', end: '2026-12-05T21:00:00+01:00' }] }, '/maintenanceWindows/0/end', /must be after start/],
    ['a maintenance window without a zone', { maintenanceWindows: [{ start: '2026-12-05T20:00:00', end: '2026-12-06T02:00:00Z' }] }, '/maintenanceWindows/0/start', /must match pattern/],
    ['allowedBy exception groups alone, naming no group', { allowedBy: ['exceptionGroups'] }, '/exceptionGroups', /names no group, so nothing would ever be allowed/],
    ['an exception group that is not a GUID', { exceptionGroups: ['on-call'] }, '/exceptionGroups/0', /must match pattern/],
    ['a day that is not one', { days: ['monday'] }, '/days/0', /allowed values/],
    ['no day', { days: [] }, '/days', /must NOT have fewer than 1 items/],
    ['a time past 23:59', { to: '24:00' }, '/to', /must match pattern/],
    ['nothing allowed by', { allowedBy: [] }, '/allowedBy', /must NOT have fewer than 1 items/],
    ['an unknown allowance', { allowedBy: ['holidays'] }, '/allowedBy/0', /allowed values/],
    ['an unknown field', { timezone: 'UTC' }, '', /unknown field "timezone"/],
  ])('refuses %s', (_name, options, path, message) => {
    const problem = optionsProblem(check, options);
    expect(problem?.path).toBe(path);
    expect(problem?.message).toMatch(message);
  });

  it.each<[string, Record<string, unknown>]>([
    ['the defaults', {}],
    ['exception groups alone, naming a group', { allowedBy: ['exceptionGroups'], exceptionGroups: [ONCALL] }],
    ['exception groups and the window, naming no group', { allowedBy: ['window', 'exceptionGroups'] }],
    ['a night window', NIGHTS],
  ])('accepts %s', (_name, options) => {
    expect(optionsProblem(check, options)).toBeUndefined();
  });

  it('a time zone the runtime does not know stops the policy, naming the option', () => {
    const doc = { scopes: [{ name: 'pim', match: { resourceTypes: ['entraRoles'] }, checks: [{ id: 'activation-window', action: 'deny', options: { timeZone: 'Europe/Atlantis' } }] }] };
    try {
      loadPolicy(JSON.stringify(doc), 'p.json', { checks: CHECK_LIST, allowDenyAtApprovedStage: false });
      expect.unreachable('the policy loaded');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details['pointer']).toBe('/scopes/0/checks/0/options/timeZone');
    }
  });
});

describe('where it runs', () => {
  it('on PIM activations only', () => {
    expect(check.appliesTo).toEqual(['pim-activation']);
  });

  it.each([
    ['an access package request', elmRequest()],
    ['a pre-expiration callout', elmAssignment()],
    ['a Lifecycle Workflows task', lcwTask()],
  ])('finds nothing on %s, even outside the window', (_name, callout) => {
    expect(evaluate(check, callout, { now: Date.parse('2026-11-22T12:00:00Z') })).toEqual([]);
  });
});

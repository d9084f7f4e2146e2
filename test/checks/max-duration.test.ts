import { describe, expect, it } from 'vitest';
import check from '../../src/checks/max-duration.js';
import type { RequestedSchedule, RequestFact } from '../../src/facts/fact-types.js';
import type { PimActivation, PimSchedule } from '../../src/pim/activation.js';
import { elmRequest, evaluate, idsAndData, NOW, optionsProblem, pimActivation, pimSchedule, rendered, requestFact, schedule } from './support.js';

const START = '2026-12-01T09:00:00Z';
/** When the request was made (NOW). */
const MADE = '2026-11-22T12:00:00Z';
const on = (start: string, expiration: Partial<RequestedSchedule>): RequestedSchedule => schedule({ startDateTime: start, ...expiration });
const after = (duration: string, start = START) => on(start, { expirationType: 'afterDuration', duration });
const until = (endDateTime: string, start = START) => on(start, { expirationType: 'afterDateTime', endDateTime });

interface Row {
  readonly request: Partial<RequestFact>;
  readonly requestType?: string | undefined;
  readonly options?: Record<string, unknown>;
}
const run = ({ request, options, ...row }: Row) => evaluate(check, elmRequest({ requestType: 'requestType' in row ? row.requestType : 'userAdd' }), { request: requestFact(request) }, options);

describe('max-duration passes', () => {
  it.each<[string, Row]>([
    ['an end date within a year', { request: { schedule: until('2027-06-01T09:00:00Z') } }],
    ['exactly 365 days', { request: { schedule: until('2027-12-01T09:00:00Z') } }],
    ['P90D', { request: { schedule: after('P90D') } }],
    ['PT12H', { request: { schedule: after('PT12H') } }],
    ['P365D', { request: { schedule: after('P365D') } }],
    ['P1Y outside a leap year', { request: { schedule: after('P1Y', '2025-03-01T00:00:00Z') } }],
    ['P52W', { request: { schedule: after('P52W') } }],
    ['a lower case duration', { request: { schedule: after('p30d') } }],
    ['a month from 31 January is 28 days', { request: { schedule: after('P1M', '2027-01-31T00:00:00Z') }, options: { maxDays: 28 } }],
    ['a duration with no type named', { request: { schedule: on(START, { duration: 'P30D' }) } }],
    ['the start taken from createdDateTime', { request: { createdDateTime: '2026-01-01T00:00:00Z', schedule: schedule({ expirationType: 'afterDateTime', endDateTime: '2026-12-31T00:00:00Z' }) } }],
    ['the start taken as now', { request: { schedule: schedule({ expirationType: 'afterDateTime', endDateTime: new Date(NOW + 300 * 86_400_000).toISOString() }) } }],
    ['no expiration when no end is required', { request: { schedule: on(START, { expirationType: 'noExpiration' }) }, options: { requireEnd: false } }],
    ['no schedule when no end is required', { request: {}, options: { requireEnd: false } }],
    ['a user removal', { request: {}, requestType: 'userRemove' }],
    ['an admin removal', { request: { schedule: after('P9999D') }, requestType: 'AdminRemove' }],
    ['a system removal', { request: {}, requestType: 'systemRemove' }],
    ['an approver removal', { request: {}, requestType: 'approverRemove' }],
    ['an extension within the limit', { request: { schedule: after('P90D') }, requestType: 'userExtend' }],
    ['an extension of access held since 2025, counted from when it is made (191 days)', { request: { createdDateTime: MADE, schedule: until('2027-06-01T00:00:00Z', '2025-01-01T00:00:00Z') }, requestType: 'UserExtend' }],
  ])('%s', (_name, row) => {
    expect(run(row)).toEqual([]);
  });
});

describe('max-duration fails', () => {
  it.each<[string, Row, string, Record<string, unknown>]>([
    ['an end date after a year', { request: { schedule: until('2028-01-05T09:00:00Z') } }, 'tooLong', { days: 400, start: '2026-12-01', end: '2028-01-05', maxDays: 365 }],
    ['one second too long', { request: { schedule: until('2027-12-01T09:00:01Z') } }, 'tooLong', { days: 366, start: '2026-12-01', end: '2027-12-01', maxDays: 365 }],
    ['P366D', { request: { schedule: after('P366D') } }, 'tooLong', { days: 366, start: '2026-12-01', end: '2027-12-02', maxDays: 365 }],
    ['P1Y2M', { request: { schedule: after('P1Y2M') } }, 'tooLong', { days: 427, start: '2026-12-01', end: '2028-02-01', maxDays: 365 }],
    ['P1Y across 29 February', { request: { schedule: after('P1Y', '2027-06-01T00:00:00Z') } }, 'tooLong', { days: 366, start: '2027-06-01', end: '2028-06-01', maxDays: 365 }],
    ['PT2H over a limit of a day', { request: { schedule: after('P1DT2H') }, options: { maxDays: 1 } }, 'tooLong', { days: 2, start: '2026-12-01', end: '2026-12-02', maxDays: 1 }],
    ['from createdDateTime', { request: { createdDateTime: '2026-01-01T00:00:00Z', schedule: schedule({ expirationType: 'afterDuration', duration: 'P400D' }) } }, 'tooLong', { days: 400, start: '2026-01-01', end: '2027-02-05', maxDays: 365 }],
    ['no expiration', { request: { schedule: on(START, { expirationType: 'noExpiration' }) } }, 'noEnd', { limit: '365 days' }],
    ['noExpiration wins over a stray end', { request: { schedule: on(START, { expirationType: 'noExpiration', endDateTime: '2027-01-01T00:00:00Z' }) } }, 'noEnd', { limit: '365 days' }],
    ['no schedule', { request: {} }, 'noEnd', { limit: '365 days' }],
    ['afterDateTime without a date', { request: { schedule: on(START, { expirationType: 'afterDateTime' }) } }, 'noEnd', { limit: '365 days' }],
    ['a duration that is not ISO 8601', { request: { schedule: after('90 days') } }, 'unreadableSchedule', { field: 'duration', limit: '365 days' }],
    ['a fraction of a year', { request: { schedule: after('P1.5Y') } }, 'unreadableSchedule', { field: 'duration', limit: '365 days' }],
    ['an end that is not a date', { request: { schedule: until('next year') } }, 'unreadableSchedule', { field: 'endDateTime', limit: '365 days' }],
    ['a start that is not a date', { request: { schedule: until('2027-01-01T00:00:00Z', 'soon') } }, 'unreadableSchedule', { field: 'startDateTime', limit: '365 days' }],
    ['an extension asking beyond the maximum', { request: { schedule: after('P400D') }, requestType: 'userExtend' }, 'tooLong', { days: 400, start: '2026-12-01', end: '2028-01-05', maxDays: 365 }],
    ['an extension (UserExtend) asking beyond the maximum from when it is made', { request: { createdDateTime: MADE, schedule: until('2028-01-01T00:00:00Z', '2025-01-01T00:00:00Z') }, requestType: 'UserExtend' }, 'tooLong', { days: 405, start: '2026-11-22', end: '2028-01-01', maxDays: 365 }],
    ['an extension that never ends', { request: { schedule: on(START, { expirationType: 'noExpiration' }) }, requestType: 'userExtend' }, 'noEnd', { limit: '365 days' }],
    ['a request type entitlement-guard does not know, judged like an add', { request: { schedule: after('P400D') }, requestType: 'someNewType' }, 'tooLong', { days: 400, start: '2026-12-01', end: '2028-01-05', maxDays: 365 }],
    ['no request type, judged like an add', { request: { schedule: after('P400D') }, requestType: undefined }, 'tooLong', { days: 400, start: '2026-12-01', end: '2028-01-05', maxDays: 365 }],
    ['an add that started in 2025 is counted from its start', { request: { createdDateTime: MADE, schedule: until('2027-06-01T00:00:00Z', '2025-01-01T00:00:00Z') } }, 'tooLong', { days: 881, start: '2025-01-01', end: '2027-06-01', maxDays: 365 }],
  ])('%s', (_name, row, messageId, data) => {
    expect(idsAndData(run(row))).toEqual([{ messageId, data }]);
  });

  it('keeps the schedule as evidence and reads plainly', () => {
    const reports = run({ request: { schedule: after('P400D') } });
    expect(reports[0]?.evidence).toEqual({ expirationType: 'afterDuration', startDateTime: START, endDateTime: null, duration: 'P400D', days: 400, maxDays: 365 });
    expect(rendered(check, reports)).toEqual(['The requested access lasts 400 days (2026-12-01 to 2028-01-05); at most 365 are allowed.']);
  });
});

describe('max-duration on PIM activations (maxHours)', () => {
  /** When the activation asks to start: a weekday morning after NOW. */
  const FROM = '2026-12-03T09:00:00Z';
  const activate = (expiration: Partial<PimSchedule>) => pimActivation({ schedule: pimSchedule({ startDateTime: FROM, duration: undefined, expirationType: undefined, ...expiration }) });
  const lasting = (duration: string, type = 'afterDuration') => activate({ expirationType: type, duration });
  const ending = (endDateTime: string, type = 'afterDateTime') => activate({ expirationType: type, endDateTime });
  // No request fact: an activation's schedule is in its body.
  const runPim = (activation: PimActivation, options: Record<string, unknown> = { maxHours: 8 }) => evaluate(check, activation, {}, options);
  const tooMany = (hours: number, start = '2026-12-03T09:00:00.000Z') => [{ messageId: 'tooManyHours', data: { hours, start, maxHours: 8 } }];

  it.each<[string, PimActivation, Record<string, unknown>?]>([
    ['PT8H at a limit of 8', lasting('PT8H')],
    ['PT7H59M', lasting('PT7H59M')],
    ['Azure spelling: AfterDuration PT8H', lasting('PT8H', 'AfterDuration')],
    ['a duration with no type named', activate({ duration: 'PT8H' })],
    ['afterDateTime ending eight hours after its start', ending('2026-12-03T17:00:00Z')],
    ['Azure spelling: AfterDateTime', ending('2026-12-03T17:00:00Z', 'AfterDateTime')],
    ['no start: eight hours from now', activate({ startDateTime: undefined, expirationType: 'afterDuration', duration: 'PT8H' })],
    ['noExpiration when no end is required', activate({ expirationType: 'noExpiration' }), { maxHours: 8, requireEnd: false }],
    ['PT9H with no maxHours: the days limit applies', lasting('PT9H'), {}],
    ['a self-deactivation, whatever its schedule', pimActivation({ action: 'selfDeactivate', schedule: pimSchedule({ expirationType: 'noExpiration', duration: undefined }) })],
    ['an Azure SelfDeactivate', pimActivation({ action: 'SelfDeactivate', schedule: undefined })],
    ['an adminRemove', pimActivation({ action: 'adminRemove', schedule: pimSchedule({ duration: 'PT24H' }) })],
  ])('passes: %s', (_name, activation, options) => {
    expect(runPim(activation, options)).toEqual([]);
  });

  it.each<[string, PimActivation, { messageId: string; data: Record<string, unknown> }[]]>([
    ['PT9H at a limit of 8', lasting('PT9H'), tooMany(9)],
    ['Azure spelling: AfterDuration PT9H', lasting('PT9H', 'AfterDuration'), tooMany(9)],
    ['PT8H30M, in tenths of an hour', lasting('PT8H30M'), tooMany(8.5)],
    ['P1D', lasting('P1D'), tooMany(24)],
    ['afterDateTime ending nine hours after its start', ending('2026-12-03T18:00:00Z'), tooMany(9)],
    ['Azure spelling: AfterDateTime', ending('2026-12-03T18:00:00Z', 'AfterDateTime'), tooMany(9)],
    ['no start: counted from now', activate({ startDateTime: undefined, expirationType: 'afterDuration', duration: 'PT9H' }), tooMany(9, '2026-11-22T12:00:00.000Z')],
    ['a duration with no type named', activate({ duration: 'PT9H' }), tooMany(9)],
    ['noExpiration', activate({ expirationType: 'noExpiration' }), [{ messageId: 'noEnd', data: { limit: '8 hours' } }]],
    ['Azure spelling: NoExpiration', activate({ expirationType: 'NoExpiration' }), [{ messageId: 'noEnd', data: { limit: '8 hours' } }]],
    ['no schedule', pimActivation({ schedule: undefined }), [{ messageId: 'noEnd', data: { limit: '8 hours' } }]],
    ['afterDateTime without a date', activate({ expirationType: 'afterDateTime' }), [{ messageId: 'noEnd', data: { limit: '8 hours' } }]],
    ['a duration that is not ISO 8601', lasting('8 hours'), [{ messageId: 'unreadableSchedule', data: { field: 'duration', limit: '8 hours' } }]],
    ['a start that is not a date', activate({ startDateTime: 'now', expirationType: 'afterDuration', duration: 'PT1H' }), [{ messageId: 'unreadableSchedule', data: { field: 'startDateTime', limit: '8 hours' } }]],
    ['a self-activation (selfActivate is no deactivation)', pimActivation({ action: 'selfActivate', schedule: pimSchedule({ duration: 'PT9H', startDateTime: FROM }) }), tooMany(9)],
    ['an action not named', pimActivation({ action: undefined, schedule: pimSchedule({ duration: 'PT9H', startDateTime: FROM }) }), tooMany(9)],
  ])('fails: %s', (_name, activation, expected) => {
    expect(idsAndData(runPim(activation))).toEqual(expected);
  });

  it('keeps the schedule and the hours as evidence and reads plainly', () => {
    const reports = runPim(lasting('PT9H'));
    expect(reports[0]?.evidence).toEqual({ expirationType: 'afterDuration', startDateTime: FROM, endDateTime: null, duration: 'PT9H', hours: 9, maxHours: 8 });
    expect(rendered(check, reports)).toEqual(['The requested access lasts 9 hours (from 2026-12-03T09:00:00.000Z); at most 8 are allowed.']);
  });

  it('an activation a minute too long says it lasts more hours than allowed', () => {
    const reports = runPim(lasting('PT8H1M'));
    expect(reports.map((r) => r.messageId)).toEqual(['tooManyHours']);
    // The finding is there because the access lasts longer than maxHours; its data must say so.
    expect(reports[0]?.data?.['hours']).toBeGreaterThan(8);
  });

  it('reads the activation, not a request fact', () => {
    const request = requestFact({ schedule: after('PT1H') });
    expect(idsAndData(evaluate(check, lasting('PT9H'), { request }, { maxHours: 8 }))).toEqual(tooMany(9));
  });

  it('maxHours limits an access package request too', () => {
    expect(idsAndData(run({ request: { schedule: after('PT12H') }, options: { maxHours: 8 } }))).toEqual([{ messageId: 'tooManyHours', data: { hours: 12, start: '2026-12-01T09:00:00.000Z', maxHours: 8 } }]);
    expect(idsAndData(run({ request: { schedule: on(START, { expirationType: 'noExpiration' }) }, options: { maxHours: 8 } }))).toEqual([{ messageId: 'noEnd', data: { limit: '8 hours' } }]);
  });

  it('refuses a maxHours that is not a whole number of hours from 1', () => {
    expect(optionsProblem(check, { maxHours: 0 })?.path).toBe('/maxHours');
    expect(optionsProblem(check, { maxHours: 1.5 })?.path).toBe('/maxHours');
    expect(optionsProblem(check, { maxHours: 87841 })?.path).toBe('/maxHours');
  });
});

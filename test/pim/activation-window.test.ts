// The activation-window rule of issue 15 (src/pim/activation-window.ts): days and hours in an IANA
// time zone, across midnight and daylight-saving changes, with maintenance windows and exception
// groups; and the options it refuses.
import { describe, expect, test } from 'vitest';
import { guidOf } from '../../src/guid.js';
import { judgeWindow, windowProblem, type ActivationWindow } from '../../src/pim/activation-window.js';

const ONCALL = guidOf('0c0c0c0c-0000-4000-8000-000000000001');
const OFFICE: ActivationWindow = { timeZone: 'Europe/Berlin', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00', maintenanceWindows: [], exceptionGroups: [ONCALL] };
const at = (iso: string) => Date.parse(iso);
const none = new Set<string>();

describe('judgeWindow', () => {
  test('weekday office hours in Berlin, judged in Berlin time (UTC+1 in December)', () => {
    expect(judgeWindow(OFFICE, at('2026-12-03T07:30:00Z'), none)).toMatchObject({ allowed: true, why: 'inside', detail: 'thu 08:30 is inside mon, tue, wed, thu, fri 08:00–18:00 Europe/Berlin' });
    expect(judgeWindow(OFFICE, at('2026-12-03T06:59:00Z'), none)).toMatchObject({ allowed: false, local: { day: 'thu', time: '07:59' } });
    expect(judgeWindow(OFFICE, at('2026-12-03T17:00:00Z'), none)).toMatchObject({ allowed: false, local: { time: '18:00' } });
    expect(judgeWindow(OFFICE, at('2026-12-05T10:00:00Z'), none)).toMatchObject({ allowed: false, local: { day: 'sat' }, detail: 'sat 11:00 Europe/Berlin is outside the activation window (mon, tue, wed, thu, fri 08:00–18:00 Europe/Berlin)' });
  });

  test('summer time moves the window with the clock (UTC+2 in July)', () => {
    expect(judgeWindow(OFFICE, at('2026-07-02T06:30:00Z'), none)).toMatchObject({ allowed: true });
    expect(judgeWindow(OFFICE, at('2026-07-02T16:30:00Z'), none)).toMatchObject({ allowed: false, local: { time: '18:30' } });
  });

  test('a night window spans midnight and belongs to the day it starts on', () => {
    const night: ActivationWindow = { ...OFFICE, days: ['fri'], from: '22:00', to: '06:00', timeZone: 'UTC' };
    expect(judgeWindow(night, at('2026-12-04T23:00:00Z'), none)).toMatchObject({ allowed: true });
    expect(judgeWindow(night, at('2026-12-05T05:59:00Z'), none)).toMatchObject({ allowed: true });
    expect(judgeWindow(night, at('2026-12-05T06:00:00Z'), none)).toMatchObject({ allowed: false });
    expect(judgeWindow(night, at('2026-12-04T05:00:00Z'), none)).toMatchObject({ allowed: false });
  });

  test('Europe/Amsterdam: the same time of day in UTC is outside in winter and inside in summer, and the other way round', () => {
    const amsterdam: ActivationWindow = { ...OFFICE, timeZone: 'Europe/Amsterdam', exceptionGroups: [] };
    expect(judgeWindow(amsterdam, at('2026-12-03T06:30:00Z'), none)).toMatchObject({ allowed: false, local: { day: 'thu', time: '07:30' } });
    expect(judgeWindow(amsterdam, at('2026-07-02T06:30:00Z'), none)).toMatchObject({ allowed: true, detail: 'thu 08:30 is inside mon, tue, wed, thu, fri 08:00–18:00 Europe/Amsterdam' });
    expect(judgeWindow(amsterdam, at('2026-12-03T16:30:00Z'), none)).toMatchObject({ allowed: true, detail: 'thu 17:30 is inside mon, tue, wed, thu, fri 08:00–18:00 Europe/Amsterdam' });
    expect(judgeWindow(amsterdam, at('2026-07-02T16:30:00Z'), none)).toMatchObject({ allowed: false, local: { day: 'thu', time: '18:30' } });
  });

  test('on the days the clocks change, the local clock decides', () => {
    const early: ActivationWindow = { ...OFFICE, timeZone: 'Europe/Amsterdam', days: ['sun'], from: '03:00', to: '04:00', exceptionGroups: [] };
    // 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    expect(judgeWindow(early, at('2026-03-29T00:59:00Z'), none)).toMatchObject({ allowed: false, local: { time: '01:59' } });
    expect(judgeWindow(early, at('2026-03-29T01:00:00Z'), none)).toMatchObject({ allowed: true, detail: 'sun 03:00 is inside sun 03:00–04:00 Europe/Amsterdam' });
    // 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC; 03:00 local comes once, at 02:00 UTC.
    expect(judgeWindow(early, at('2026-10-25T00:59:00Z'), none)).toMatchObject({ allowed: false, local: { time: '02:59' } });
    expect(judgeWindow(early, at('2026-10-25T02:00:00Z'), none)).toMatchObject({ allowed: true });
  });

  test('a night window across the end of the week: Sunday night reaches into Monday', () => {
    const sunday: ActivationWindow = { ...OFFICE, timeZone: 'UTC', days: ['sun'], from: '20:00', to: '02:00', exceptionGroups: [] };
    expect(judgeWindow(sunday, at('2026-12-07T00:00:00Z'), none)).toMatchObject({ allowed: true, detail: 'mon 00:00 is inside sun 20:00–02:00 UTC' });
    expect(judgeWindow(sunday, at('2026-12-07T01:59:00Z'), none)).toMatchObject({ allowed: true });
    expect(judgeWindow(sunday, at('2026-12-06T01:00:00Z'), none)).toMatchObject({ allowed: false, local: { day: 'sun', time: '01:00' } });
    expect(judgeWindow(sunday, at('2026-12-07T20:00:00Z'), none)).toMatchObject({ allowed: false, local: { day: 'mon', time: '20:00' } });
  });

  test('a maintenance window is named before an exception group, and either allows inside the window too', () => {
    const both: ActivationWindow = { ...OFFICE, maintenanceWindows: [{ start: '2026-12-03T00:00:00Z', end: '2026-12-04T00:00:00Z', name: undefined }] };
    expect(judgeWindow(both, at('2026-12-03T09:00:00Z'), new Set([ONCALL]))).toEqual({ allowed: true, why: 'maintenance', detail: 'inside the maintenance window 2026-12-03T00:00:00Z–2026-12-04T00:00:00Z' });
    expect(judgeWindow(OFFICE, at('2026-12-03T09:00:00Z'), new Set([ONCALL]))).toEqual({ allowed: true, why: 'exception-group', detail: `a member of exception group ${ONCALL}` });
  });

  test('a maintenance window or an exception group allows any time', () => {
    const maint: ActivationWindow = { ...OFFICE, maintenanceWindows: [{ start: '2026-12-05T20:00:00Z', end: '2026-12-06T02:00:00Z', name: 'CHG0012500 SAP upgrade' }] };
    expect(judgeWindow(maint, at('2026-12-05T23:00:00Z'), none)).toEqual({ allowed: true, why: 'maintenance', detail: 'inside the maintenance window CHG0012500 SAP upgrade' });
    expect(judgeWindow(maint, at('2026-12-06T02:00:00Z'), none)).toMatchObject({ allowed: false });
    expect(judgeWindow(OFFICE, at('2026-12-05T23:00:00Z'), new Set([ONCALL]))).toMatchObject({ allowed: true, why: 'exception-group' });
  });
});

describe('windowProblem', () => {
  test.each([
    [{ timeZone: 'Mars/Olympus' }, '/timeZone'],
    [{ from: '8:00' }, '/from'],
    [{ to: '24:00' }, '/to'],
    [{ to: '08:00' }, '/to'],
    [{ maintenanceWindows: [{ start: '2026-12-05T20:00:00', end: '2026-12-06T02:00:00Z', name: undefined }] }, '/maintenanceWindows/0'],
    [{ maintenanceWindows: [{ start: '2026-12-06T20:00:00Z', end: '2026-12-06T02:00:00Z', name: undefined }] }, '/maintenanceWindows/0/end'],
    [{ maintenanceWindows: [{ start: '2026-12-05T20:00:00Z', end: '2026-12-06T02:00:00Z', name: undefined }, { start: '2026-12-06T20:00:00Z', end: '2026-12-07T02:00:00', name: undefined }] }, '/maintenanceWindows/1'],
    [{ maintenanceWindows: [{ start: '2026-12-06T20:00:00+01:00', end: '2026-12-06T19:00:00Z', name: undefined }] }, '/maintenanceWindows/0/end'],
    [{ maintenanceWindows: [{ start: 'tomorrow Z', end: '2026-12-06T19:00:00Z', name: undefined }] }, '/maintenanceWindows/0'],
  ] as const)('%o is refused at %s', (change, path) => {
    expect(windowProblem({ ...OFFICE, ...change })?.path).toBe(path);
  });

  test('a sound window has no problem', () => {
    expect(windowProblem(OFFICE)).toBeUndefined();
  });
});

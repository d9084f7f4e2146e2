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
  ] as const)('%o is refused at %s', (change, path) => {
    expect(windowProblem({ ...OFFICE, ...change })?.path).toBe(path);
  });

  test('a sound window has no problem', () => {
    expect(windowProblem(OFFICE)).toBeUndefined();
  });
});

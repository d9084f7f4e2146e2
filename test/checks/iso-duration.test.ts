import { describe, expect, it } from 'vitest';
import { isoDate, parseInstant } from '../../src/checks/support/instant.js';
import { addIsoDuration, parseIsoDuration } from '../../src/checks/support/iso-duration.js';

describe('parseIsoDuration', () => {
  it.each([
    ['P90D', { years: 0, months: 0, days: 90, milliseconds: 0 }],
    ['PT12H', { years: 0, months: 0, days: 0, milliseconds: 12 * 3_600_000 }],
    ['P1Y2M', { years: 1, months: 2, days: 0, milliseconds: 0 }],
    ['P2W', { years: 0, months: 0, days: 14, milliseconds: 0 }],
    ['P1DT1H30M15S', { years: 0, months: 0, days: 1, milliseconds: 5_415_000 }],
    ['PT1M', { years: 0, months: 0, days: 0, milliseconds: 60_000 }],
    ['P1M', { years: 0, months: 1, days: 0, milliseconds: 0 }],
    ['PT0.5S', { years: 0, months: 0, days: 0, milliseconds: 500 }],
    ['P1,5D', { years: 0, months: 0, days: 1.5, milliseconds: 0 }],
    ['p7d', { years: 0, months: 0, days: 7, milliseconds: 0 }],
  ])('reads %s', (text, expected) => {
    expect(parseIsoDuration(text)).toEqual(expected);
  });

  it.each(['', 'P', 'PT', 'P1DT', '90', 'P-1D', '-P1D', 'P1.5Y', 'P0.5M', 'P1.5DT2H', 'P1D2Y', 'PT1D', 'P1H', '1 day', 'P 1D'])('refuses %j', (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });
});

describe('addIsoDuration', () => {
  const add = (start: string, duration: string) => new Date(addIsoDuration(Date.parse(start), parseIsoDuration(duration) ?? { years: 0, months: 0, days: 0, milliseconds: 0 })).toISOString();
  it.each([
    ['2026-01-31T10:00:00.000Z', 'P1M', '2026-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00.000Z', 'P1M', '2028-02-29T10:00:00.000Z'],
    ['2028-02-29T00:00:00.000Z', 'P1Y', '2029-02-28T00:00:00.000Z'],
    ['2026-11-15T23:30:00.000Z', 'P1Y2M', '2028-01-15T23:30:00.000Z'],
    ['2026-12-01T00:00:00.000Z', 'P1M1D', '2027-01-02T00:00:00.000Z'],
    ['2026-03-28T22:00:00.000Z', 'PT5H', '2026-03-29T03:00:00.000Z'],
  ])('%s + %s = %s', (start, duration, end) => {
    expect(add(start, duration)).toBe(end);
  });

  it('is NaN beyond what a Date holds', () => {
    expect(addIsoDuration(Date.parse('2026-01-01T00:00:00Z'), { years: 999_999_999, months: 0, days: 0, milliseconds: 0 })).toBeNaN();
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-11-22T12:00:00Z', '2026-11-22T12:00:00.000Z'],
    ['2026-11-22T12:00:00.1234567Z', '2026-11-22T12:00:00.123Z'],
    ['2026-11-22T12:00:00', '2026-11-22T12:00:00.000Z'],
    ['2026-11-22T13:00:00+01:00', '2026-11-22T12:00:00.000Z'],
    ['2026-11-22', '2026-11-22T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(new Date(parseInstant(text) ?? Number.NaN).toISOString()).toBe(iso);
  });

  it.each([undefined, '', '1', 'March 3', '2026-13-45', '22/11/2026', 'soon'])('refuses %j', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });

  it('writes dates for messages', () => {
    expect(isoDate(Date.parse('2026-11-22T23:59:59Z'))).toBe('2026-11-22');
  });
});

/**
 * ISO 8601 durations as Graph writes them in schedules (`P90D`, `PT12H`, `P1Y2M`, `P2W`):
 * calendar parts (years, months) are kept apart from exact ones, because how long a month is
 * depends on where it starts.
 */
export interface IsoDuration {
  readonly years: number;
  readonly months: number;
  /** Weeks are folded in as 7 days; may be fractional when days are the last part. */
  readonly days: number;
  /** Hours, minutes and seconds. */
  readonly milliseconds: number;
}

const NUMBER = String.raw`(\d{1,9}(?:[.,]\d{1,9})?)`;
const DURATION = new RegExp(
  `^P(?!$)(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?=\\d)(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);
const DAY_MS = 86_400_000;

/**
 * Parses `PnYnMnWnDTnHnMnS` (any part may be left out, at least one given). Only the last part
 * given may carry a decimal fraction, and never years or months. Anything else is undefined.
 */
export function parseIsoDuration(text: string): IsoDuration | undefined {
  const match = DURATION.exec(text.trim().toUpperCase());
  if (match === null) return undefined;
  const parts = (match.slice(1) as (string | undefined)[]).map((part) => (part === undefined ? undefined : part.replace(',', '.')));
  const given = parts.flatMap((part, i) => (part === undefined ? [] : [i]));
  const last = given[given.length - 1];
  if (parts.some((part, i) => part?.includes('.') === true && (i !== last || i < 2))) return undefined;
  const [years, months, weeks, days, hours, minutes, seconds] = parts.map((part) => Number(part ?? 0)) as [number, number, number, number, number, number, number];
  return { years, months, days: weeks * 7 + days, milliseconds: ((hours * 60 + minutes) * 60 + seconds) * 1000 };
}

/**
 * The instant a duration after `startMs` ends, in UTC: years and months move the calendar
 * (a month after 31 January is the last day of February, as .NET's AddMonths does), then days
 * and time are added exactly. NaN when the result is beyond what a Date holds.
 */
export function addIsoDuration(startMs: number, duration: IsoDuration): number {
  const start = new Date(startMs);
  const monthIndex = start.getUTCMonth() + duration.months + duration.years * 12;
  const target = new Date(0);
  target.setUTCFullYear(start.getUTCFullYear() + Math.floor(monthIndex / 12), monthIndex % 12, 1);
  const lastDay = new Date(target.getTime()).setUTCMonth(target.getUTCMonth() + 1, 0);
  target.setUTCDate(Math.min(start.getUTCDate(), new Date(lastDay).getUTCDate()));
  const timeOfDay = startMs - Math.floor(startMs / DAY_MS) * DAY_MS;
  return target.getTime() + timeOfDay + duration.days * DAY_MS + duration.milliseconds;
}

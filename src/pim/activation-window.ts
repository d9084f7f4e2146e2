/** Days of the week as the policy names them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * When activations are allowed: on these days, between these local times, in an IANA time zone;
 * and whatever the time, inside a maintenance window or for a member of an exception group (the
 * on-call rota). `from` after `to` spans midnight (22:00–06:00): the night belongs to the day it
 * starts on.
 */
export interface ActivationWindow {
  readonly timeZone: string;
  readonly days: readonly Weekday[];
  readonly from: string;
  readonly to: string;
  readonly maintenanceWindows: readonly { readonly start: string; readonly end: string; readonly name: string | undefined }[];
  /** Group ids, lower case. */
  readonly exceptionGroups: readonly string[];
}

export type WindowVerdict =
  | { readonly allowed: true; readonly why: 'inside' | 'maintenance' | 'exception-group'; readonly detail: string }
  | { readonly allowed: false; readonly local: { readonly day: Weekday; readonly time: string }; readonly detail: string };

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Why the window cannot be used, or undefined: the time zone is one this runtime knows, times are HH:MM, maintenance windows are ordered instants. */
export function windowProblem(window: ActivationWindow): { readonly path: string; readonly message: string } | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: window.timeZone });
  } catch {
    return { path: '/timeZone', message: `"${window.timeZone.slice(0, 60)}" is not an IANA time zone this runtime knows` };
  }
  for (const key of ['from', 'to'] as const) if (!HH_MM.test(window[key])) return { path: `/${key}`, message: 'must be a 24-hour time HH:MM' };
  if (window.from === window.to) return { path: '/to', message: 'must differ from from (a window of no time allows nothing; list every day and 00:00–23:59 for always)' };
  for (const [i, m] of window.maintenanceWindows.entries()) {
    const start = Date.parse(m.start);
    const end = Date.parse(m.end);
    if (Number.isNaN(start) || Number.isNaN(end) || !/(Z|[+-]\d\d:\d\d)$/.test(m.start) || !/(Z|[+-]\d\d:\d\d)$/.test(m.end)) {
      return { path: `/maintenanceWindows/${String(i)}`, message: 'start and end must be ISO 8601 instants with a zone' };
    }
    if (end <= start) return { path: `/maintenanceWindows/${String(i)}/end`, message: 'must be after start' };
  }
  return undefined;
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** One formatter per time zone: making one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    // Time zones come from the policy: a handful. The bound keeps a policy of thousands from growing it without end.
    if (formatters.size < 1000) formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The weekday and minute of the day at `at` in `timeZone`. */
function localTime(at: number, timeZone: string): { day: Weekday; minute: number; text: string } {
  const parts = formatterFor(timeZone).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const short = part('weekday').slice(0, 3).toLowerCase();
  const day = WEEKDAYS.find((d) => d === short);
  if (day === undefined) throw new Error(`the runtime named the weekday "${short}"`);
  const hour = part('hour');
  const minute = part('minute');
  return { day, minute: Number(hour) * 60 + Number(minute), text: `${hour}:${minute}` };
}

const previous = (day: Weekday): Weekday => WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] ?? day;

/**
 * Whether an activation at `at` (epoch ms) is inside the window, for a principal in
 * `principalGroups`. A maintenance window or an exception group allows it at any time; otherwise
 * the local day and time must fall inside. The window must have passed windowProblem.
 */
export function judgeWindow(window: ActivationWindow, at: number, principalGroups: ReadonlySet<string>): WindowVerdict {
  const maintenance = window.maintenanceWindows.find((m) => Date.parse(m.start) <= at && at < Date.parse(m.end));
  if (maintenance !== undefined) return { allowed: true, why: 'maintenance', detail: `inside the maintenance window ${maintenance.name ?? `${maintenance.start}–${maintenance.end}`}` };
  const group = window.exceptionGroups.find((g) => principalGroups.has(g));
  if (group !== undefined) return { allowed: true, why: 'exception-group', detail: `a member of exception group ${group}` };
  const local = localTime(at, window.timeZone);
  const from = minutes(window.from);
  const to = minutes(window.to);
  const inside = from < to
    ? window.days.includes(local.day) && local.minute >= from && local.minute < to
    : (window.days.includes(local.day) && local.minute >= from) || (window.days.includes(previous(local.day)) && local.minute < to);
  const span = `${window.days.join(', ')} ${window.from}–${window.to} ${window.timeZone}`;
  return inside
    ? { allowed: true, why: 'inside', detail: `${local.day} ${local.text} is inside ${span}` }
    : { allowed: false, local: { day: local.day, time: local.text }, detail: `${local.day} ${local.text} ${window.timeZone} is outside the activation window (${span})` };
}

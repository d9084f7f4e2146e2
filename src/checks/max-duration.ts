import type { RequestedSchedule } from '../facts/fact-types.js';
import { isExtension, isRemoval } from '../request-types.js';
import { defineCheck, type Report } from './define-check.js';
import { isoDate, parseInstant } from './support/instant.js';
import { addIsoDuration, parseIsoDuration } from './support/iso-duration.js';

interface Options {
  readonly maxDays: number;
  /** A limit in hours instead of days (PIM activations last hours). */
  readonly maxHours?: number;
  readonly requireEnd: boolean;
}

const DEFAULTS: Options = { maxDays: 365, requireEnd: true };
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const MESSAGES = {
  tooLong: 'The requested access lasts {{days}} days ({{start}} to {{end}}); at most {{maxDays}} are allowed.',
  tooManyHours: 'The requested access lasts {{hours}} hours (from {{start}}); at most {{maxHours}} are allowed.',
  noEnd: 'The requested access does not end; it must end within {{limit}}.',
  unreadableSchedule: 'The requested schedule cannot be read ({{field}}); the access must end within {{limit}}.',
} as const;
type MessageId = keyof typeof MESSAGES;

type End = { readonly ms: number } | { readonly unreadable: keyof RequestedSchedule } | 'none';

/** When the schedule ends: by its expiration type, falling back to whichever of date and duration it has. */
function endOf(schedule: RequestedSchedule, startMs: number): End {
  const { endDateTime, duration } = schedule;
  const byDuration = duration !== undefined && (schedule.expirationType?.toLowerCase() === 'afterduration' || endDateTime === undefined);
  if (byDuration) {
    const parsed = parseIsoDuration(duration);
    const ms = parsed === undefined ? Number.NaN : addIsoDuration(startMs, parsed);
    return Number.isNaN(ms) ? { unreadable: 'duration' } : { ms };
  }
  if (endDateTime === undefined) return 'none';
  const ms = parseInstant(endDateTime);
  return ms === undefined ? { unreadable: 'endDateTime' } : { ms };
}

export default defineCheck({
  id: 'max-duration',
  description: 'Fails when the requested access does not end within the number of days the policy allows from its start.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxDays: { type: 'integer', minimum: 1, maximum: 3660, description: 'Most days the requested access may last, counted from its start.' },
      maxHours: { type: 'integer', minimum: 1, maximum: 87840, description: 'Most hours instead of days (for PIM activations, which last hours); when set, maxDays is not used.' },
      requireEnd: { type: 'boolean', description: 'Whether a request that never expires (noExpiration, or no end given) fails.' },
    },
  },
  defaultOptions: DEFAULTS,
  needs: ['request'],
  appliesTo: ['elm-request', 'pim-activation'],
  severity: 'medium',
  messages: MESSAGES,
  evaluate(callout, facts, { maxDays, maxHours, requireEnd }): Report<MessageId>[] {
    const { now } = facts;
    if (callout.kind === 'pim-activation' ? callout.action !== undefined && /deactivate|remove/i.test(callout.action) : callout.kind !== 'elm-request' || isRemoval(callout.requestType)) return [];
    // An activation's schedule is in its body; a request's is read from Graph (the callout does not carry it).
    const request = callout.kind === 'pim-activation' ? { schedule: callout.schedule, createdDateTime: undefined } : facts.request;
    const { schedule } = request;
    const evidence = {
      expirationType: schedule?.expirationType ?? null,
      startDateTime: schedule?.startDateTime ?? null,
      endDateTime: schedule?.endDateTime ?? null,
      duration: schedule?.duration ?? null,
    };
    const limit = maxHours === undefined ? `${String(maxDays)} days` : `${String(maxHours)} hours`;
    const noEnd = (): Report<MessageId>[] => (requireEnd ? [{ messageId: 'noEnd', data: { limit }, evidence }] : []);
    if (schedule === undefined || schedule.expirationType?.toLowerCase() === 'noexpiration') return noEnd();
    const givenStart = parseInstant(schedule.startDateTime);
    if (schedule.startDateTime !== undefined && givenStart === undefined) {
      return [{ messageId: 'unreadableSchedule', data: { field: 'startDateTime', limit }, evidence }];
    }
    const made = parseInstant(request.createdDateTime) ?? now;
    const start = givenStart ?? made;
    const end = endOf(schedule, start);
    if (end === 'none') return noEnd();
    if ('unreadable' in end) return [{ messageId: 'unreadableSchedule', data: { field: end.unreadable, limit }, evidence }];
    // An extension asks for access from when it is made to its new end; the time already held is not asked for.
    const from = callout.kind === 'elm-request' && isExtension(callout.requestType) && start < made ? made : start;
    if (maxHours !== undefined) {
      if (end.ms - from <= maxHours * HOUR_MS) return [];
      // Rounded up, as days are: a minute over eight hours never reads as eight.
      const hours = Math.ceil(((end.ms - from) / HOUR_MS) * 10) / 10;
      return [{ messageId: 'tooManyHours', data: { hours, start: new Date(from).toISOString(), maxHours }, evidence: { ...evidence, hours, maxHours } }];
    }
    if (end.ms - from <= maxDays * DAY_MS) return [];
    const days = Math.ceil((end.ms - from) / DAY_MS);
    return [{ messageId: 'tooLong', data: { days, start: isoDate(from), end: isoDate(end.ms), maxDays }, evidence: { ...evidence, days, maxDays } }];
  },
});

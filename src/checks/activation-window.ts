import { judgeWindow, WEEKDAYS, windowProblem, type ActivationWindow, type Weekday } from '../pim/activation-window.js';
import { defineCheck, type Report } from './define-check.js';
import { parseInstant } from './support/instant.js';

/** What may let an activation through: the window itself, a maintenance window, membership of an exception group. */
const ALLOWANCES = ['window', 'maintenanceWindows', 'exceptionGroups'] as const;
type Allowance = (typeof ALLOWANCES)[number];

interface Options {
  readonly timeZone: string;
  readonly days: readonly Weekday[];
  readonly from: string;
  readonly to: string;
  readonly maintenanceWindows: readonly { readonly start: string; readonly end: string; readonly name?: string }[];
  readonly exceptionGroups: readonly string[];
  readonly allowedBy: readonly Allowance[];
}

const DEFAULTS: Options = {
  timeZone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00', maintenanceWindows: [], exceptionGroups: [], allowedBy: [...ALLOWANCES],
};

const MESSAGES = {
  outsideWindow: '{{local}} {{timeZone}} is outside the activation window ({{window}}).',
  notAllowedBy: 'Only {{allowed}} allow an activation here, and none applies to this one.',
  allowedOutside: 'Allowed outside the window: {{detail}}.',
} as const;
type MessageId = keyof typeof MESSAGES;

const INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$';
const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const ALLOWED_TEXT: Readonly<Record<Allowance, string>> = { window: 'the window', maintenanceWindows: 'maintenance windows', exceptionGroups: 'exception groups' };

function windowOf(options: Options): ActivationWindow {
  const allows = (a: Allowance) => options.allowedBy.includes(a);
  return {
    timeZone: options.timeZone,
    days: options.days,
    from: options.from,
    to: options.to,
    maintenanceWindows: allows('maintenanceWindows') ? options.maintenanceWindows.map((m) => ({ start: m.start, end: m.end, name: m.name })) : [],
    exceptionGroups: allows('exceptionGroups') ? options.exceptionGroups.map((g) => g.toLowerCase()) : [],
  };
}

const needsGroups = (options: Options) => options.allowedBy.includes('exceptionGroups') && options.exceptionGroups.length > 0;

export default defineCheck({
  id: 'activation-window',
  description: 'Fails when a PIM role activation starts outside the allowed days and hours (in a time zone), unless a maintenance window or membership of an exception group (the on-call rota) allows it.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      timeZone: { type: 'string', minLength: 1, maxLength: 64, description: 'IANA time zone the days and hours are in, e.g. Europe/Amsterdam (summer time is followed).' },
      days: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: WEEKDAYS }, description: 'Days on which activations are allowed.' },
      from: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'Local time (HH:MM) the window opens each allowed day.' },
      to: {
        type: 'string',
        pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
        description: 'Local time (HH:MM) the window closes; earlier than from spans midnight, the night belonging to the day it starts on.',
      },
      maintenanceWindows: {
        type: 'array',
        maxItems: 100,
        description: 'Periods in which activations are allowed at any time.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['start', 'end'],
          description: 'A maintenance window.',
          properties: {
            start: { type: 'string', pattern: INSTANT, description: 'When it starts: an ISO 8601 date-time with Z or an offset.' },
            end: { type: 'string', pattern: INSTANT, description: 'When it ends (after start).' },
            name: { type: 'string', minLength: 1, maxLength: 100, description: 'How findings name it, e.g. a change number.' },
          },
        },
      },
      exceptionGroups: {
        type: 'array',
        maxItems: 20,
        uniqueItems: true,
        items: { type: 'string', pattern: GUID, description: 'A group id.' },
        description: 'Groups whose members (direct or nested) may activate at any time: the on-call rota.',
      },
      allowedBy: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { enum: ALLOWANCES },
        description: 'What lets an activation through: the window, maintenance windows, exception groups (all three by default). ["exceptionGroups"] alone passes only the on-call rota, for a scope that answers AutoApproved.',
      },
    },
  },
  defaultOptions: DEFAULTS,
  optionsProblem(options) {
    const problem = windowProblem(windowOf({ ...options, allowedBy: ALLOWANCES }));
    if (problem !== undefined) return problem;
    if (options.allowedBy.includes('exceptionGroups') && !options.allowedBy.includes('window') && options.exceptionGroups.length === 0 && !options.allowedBy.includes('maintenanceWindows')) {
      return { path: '/exceptionGroups', message: 'names no group, so nothing would ever be allowed' };
    }
    return undefined;
  },
  needs: (options): readonly 'targetGroups'[] => (needsGroups(options) ? ['targetGroups'] : []),
  appliesTo: ['pim-activation'],
  severity: 'medium',
  messages: MESSAGES,
  evaluate(callout, facts, options): Report<MessageId>[] {
    if (callout.kind !== 'pim-activation') return [];
    // A scheduled activation is judged by when it starts; an immediate one by now.
    const start = parseInstant(callout.schedule?.startDateTime);
    const at = start !== undefined && start > facts.now ? start : facts.now;
    const groups = needsGroups(options) ? new Set(facts.targetGroups.map((g) => g.id)) : new Set<string>();
    const verdict = judgeWindow(windowOf(options), at, groups);
    const evidence = { at: new Date(at).toISOString(), timeZone: options.timeZone, detail: verdict.detail };
    if (verdict.allowed) {
      if (verdict.why !== 'inside') {
        // Said only when it mattered: inside the window itself there is nothing to note.
        const byWindow = options.allowedBy.includes('window') && judgeWindow({ ...windowOf(options), maintenanceWindows: [], exceptionGroups: [] }, at, groups).allowed;
        return byWindow ? [] : [{ messageId: 'allowedOutside', data: { detail: verdict.detail }, evidence, notice: true }];
      }
      if (options.allowedBy.includes('window')) return [];
      const allowed = options.allowedBy.map((a) => ALLOWED_TEXT[a]).join(' or ');
      return [{ messageId: 'notAllowedBy', data: { allowed }, evidence }];
    }
    if (!options.allowedBy.includes('window')) {
      return [{ messageId: 'notAllowedBy', data: { allowed: options.allowedBy.map((a) => ALLOWED_TEXT[a]).join(' or ') }, evidence }];
    }
    const window = `${options.days.join(', ')} ${options.from}–${options.to}`;
    return [{ messageId: 'outsideWindow', data: { local: `${verdict.local.day} ${verdict.local.time}`, timeZone: options.timeZone, window }, evidence }];
  },
});

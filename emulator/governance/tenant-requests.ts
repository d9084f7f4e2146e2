import { DURATION } from './approval-stage-rules.js';
import {
  EXPIRATION_TYPES, Fields, REQUEST_STATES, REQUEST_TYPES, type RequestAnswer, type TenantRequest, type TenantSchedule,
} from '../directory/tenant-values.js';

/** The keys a request of the tenant file may have. */
const REQUEST_KEYS = [
  'description', 'id', 'requestType', 'justification', 'schedule', 'createdDateTime', 'accessPackage', 'requestor', 'state', 'target', 'assignment', 'assignmentPolicy',
  'answers',
];
/** The keys of one of a request's answers: the question's id (required) and text, the value (required) and the value as shown (the value unless given). */
const ANSWER_KEYS = ['questionId', 'questionText', 'value', 'displayValue'];

function parseSchedule(source: string, where: string, value: unknown): TenantSchedule {
  if (value === undefined || value === null) return { startDateTime: null, expiration: { endDateTime: null, duration: null, type: 'notSpecified' } };
  const f = Fields.of(source, where, value, ['startDateTime', 'expiration']);
  const startDateTime = f.instant('startDateTime');
  const e = Fields.of(source, `${where}.expiration`, f.value['expiration'] ?? {}, ['type', 'endDateTime', 'duration']);
  const type = e.oneOf('type', EXPIRATION_TYPES, 'notSpecified');
  const endDateTime = e.instant('endDateTime');
  const duration = e.text('duration');
  if (duration !== null && !DURATION.test(duration)) e.fail('duration', `"${duration}" is not an ISO 8601 duration (e.g. P90D)`);
  if (type === 'afterDateTime' && endDateTime === null) e.fail('endDateTime', 'is required when type is afterDateTime');
  if (type === 'afterDuration' && duration === null) e.fail('duration', 'is required when type is afterDuration');
  if (startDateTime !== null && endDateTime !== null && Date.parse(endDateTime) <= Date.parse(startDateTime)) e.fail('endDateTime', 'is not after startDateTime');
  return { startDateTime, expiration: { endDateTime, duration, type } };
}

/** A request's answers (e.g. `{ "questionId": "…", "questionText": "Change ticket", "value": "CHG0012345" }`), [] when left out. */
function parseAnswers(f: Fields): RequestAnswer[] {
  return f.list('answers').map((raw, i) => {
    const a = Fields.of(f.source, `${f.where}.answers[${i}]`, raw, ANSWER_KEYS);
    const value = a.text('value', true);
    return { questionId: a.guid('questionId', true), questionText: a.text('questionText'), value, displayValue: a.text('displayValue') ?? value };
  });
}

/** One request of the file; its references (accessPackage, requestor, target, assignmentPolicy) are checked by the caller. */
export function parseRequest(source: string, where: string, value: unknown): TenantRequest {
  const f = Fields.of(source, where, value, REQUEST_KEYS);
  const justification = f.value['justification'];
  if (justification !== undefined && justification !== null && typeof justification !== 'string') f.fail('justification', 'must be a string or null');
  return {
    id: f.guid('id', true),
    requestType: f.oneOf('requestType', REQUEST_TYPES, 'userAdd'),
    justification: typeof justification === 'string' ? justification : null,
    schedule: parseSchedule(source, `${where}.schedule`, f.value['schedule']),
    createdDateTime: f.instant('createdDateTime'),
    accessPackage: f.guid('accessPackage'),
    requestor: f.guid('requestor'),
    state: f.oneOf('state', REQUEST_STATES, 'submitted'),
    target: f.guid('target'),
    assignment: f.guid('assignment'),
    assignmentPolicy: f.guid('assignmentPolicy'),
    answers: parseAnswers(f),
  };
}

import type { Env } from '../../config.js';
import { AppError } from '../../errors.js';

/** The scheduled scan's app settings; absent unless SOD_SCAN_SCHEDULE is set (the scan is off by default). */
export interface ScanSettings {
  /** NCRONTAB, six fields: second minute hour day month day-of-week (the Functions timer's format). */
  readonly schedule: string;
  /** The blob container reports are written to: https://<account>.blob.core.windows.net/<container>. */
  readonly containerUrl: string;
}

/** Each NCRONTAB field: its name, range, and the names it accepts for numbers. */
const FIELDS = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], base: 1 },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], base: 0 },
] as const;

type Field = (typeof FIELDS)[number];

function value(text: string, field: Field): number | undefined {
  if (/^\d{1,2}$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  if (!('names' in field)) return undefined;
  const index = (field.names as readonly string[]).indexOf(text.toUpperCase());
  return index === -1 ? undefined : index + field.base;
}

/** `*`, `*\/n`, `a`, `a-b`, `a-b/n`, or a comma list of those; a problem names the field. */
function fieldProblem(text: string, field: Field): string | undefined {
  for (const part of text.split(',')) {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d{1,2}))?$/.exec(part);
    const problem = `the ${field.name} field "${text}" is not valid (${String(field.min)}-${String(field.max)}, *, ranges a-b, steps /n, lists a,b)`;
    if (match === null) return problem;
    const [, range = '', step] = match;
    if (step !== undefined && (Number(step) < 1 || Number(step) > field.max)) return problem;
    if (range === '*') continue;
    const [from = '', to] = range.split('-');
    const start = value(from, field);
    const end = to === undefined ? start : value(to, field);
    if (start === undefined || end === undefined || end < start) return problem;
  }
  return undefined;
}

/** Why an NCRONTAB expression is not one the Functions timer accepts, or undefined. */
export function scheduleProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) return `"${expression}" has ${String(fields.length)} fields; NCRONTAB needs six: second minute hour day month day-of-week (e.g. "0 0 2 * * *" for 02:00 every day)`;
  for (const [i, field] of FIELDS.entries()) {
    const problem = fieldProblem(fields[i] ?? '', field);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** A container name: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit. */
const CONTAINER = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The container URL with no trailing slash, or why it is not one (no keys or SAS: the managed identity signs in). */
export function containerUrlProblem(text: string): { url: string } | { problem: string } {
  const example = 'https://<account>.blob.core.windows.net/<container>';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `must be a blob container URL such as ${example}` };
  }
  if (url.protocol !== 'https:') return { problem: `must be an https URL such as ${example}` };
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return { problem: 'must carry no query (no SAS token), fragment or credentials: the managed identity signs in' };
  }
  const path = url.pathname.replace(/\/$/, '').slice(1);
  if (!CONTAINER.test(path)) return { problem: `must name one container after the host (3-63 lower-case letters, digits and hyphens), such as ${example}` };
  return { url: `${url.origin}/${path}` };
}

/**
 * Reads the scheduled scan's settings: none when SOD_SCAN_SCHEDULE is not set. When it is, the
 * schedule must be NCRONTAB and SOD_SCAN_BLOB_URL a container URL; every problem is named in one
 * CONFIG.INVALID error at start-up, like src/config.ts.
 */
export function loadScanSettings(env: Env): ScanSettings | undefined {
  const read = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const schedule = read('SOD_SCAN_SCHEDULE');
  const blobUrl = read('SOD_SCAN_BLOB_URL');
  if (schedule === undefined) {
    if (blobUrl === undefined) return undefined;
    throw new AppError('CONFIG.INVALID', 'entitlement-guard cannot start: SOD_SCAN_BLOB_URL is set but SOD_SCAN_SCHEDULE is not; set both to run the scheduled separation-of-duties scan, or neither.');
  }
  const problems: string[] = [];
  const scheduleIssue = scheduleProblem(schedule);
  if (scheduleIssue !== undefined) problems.push(`SOD_SCAN_SCHEDULE: ${scheduleIssue}`);
  const container = blobUrl === undefined ? { problem: 'is missing (the container the scan writes its reports to)' } : containerUrlProblem(blobUrl);
  if ('problem' in container) problems.push(`SOD_SCAN_BLOB_URL ${container.problem}`);
  if (problems.length > 0 || !('url' in container)) {
    throw new AppError('CONFIG.INVALID', `entitlement-guard cannot start: invalid settings: ${problems.join('; ')}.`, { details: { invalid: problems.length } });
  }
  return { schedule: schedule.split(/\s+/).join(' '), containerUrl: container.url };
}

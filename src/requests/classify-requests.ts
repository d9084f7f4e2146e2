import type * as V1 from '@microsoft/microsoft-graph-types';
import type * as Beta from '@microsoft/microsoft-graph-types-beta';
import { asciiLower } from '../ascii.js';
import { addIsoDuration, parseIsoDuration, type IsoDuration } from '../checks/support/iso-duration.js';
import { stagesForState } from '../graph/callout-state.js';
import type { Unchecked } from '../graph/graph-types.js';
import { parseGuid, type Guid } from '../guid.js';
import type { LedgerEntry } from '../ledger/ledger.js';
import { ELM_STAGES, type ElmStage } from '../stages.js';

/** A custom extension of ours, as its catalog lists it. */
export interface OurExtension {
  readonly id: Guid;
  readonly displayName: string | undefined;
  /** The catalog it lives in; undefined when no catalog read showed it (an --extension id whose catalog was not found). */
  readonly catalog: { readonly id: Guid; readonly displayName: string | undefined } | undefined;
  /** `callbackConfiguration.timeoutDuration` as Graph holds it; undefined when it holds none (or was not read). */
  readonly callbackWindow: string | undefined;
}

/** One callout instance of a request, as Graph lists it. */
export interface ListedInstance {
  readonly id: string;
  readonly customExtensionId: Guid | undefined;
  readonly status: string | undefined;
  readonly detail: string | undefined;
}

/** What the command keeps of a listed request: ids checked, texts bounded, nothing else. */
export interface ListedRequest {
  readonly id: Guid;
  readonly state: string | undefined;
  readonly status: string | undefined;
  readonly requestType: string | undefined;
  readonly createdDateTime: string | undefined;
  readonly accessPackage: { readonly id: Guid; readonly displayName: string | undefined } | undefined;
  /** undefined: the answer had no `customExtensionCalloutInstances` (sources disagree whether v1.0 lists them). */
  readonly instances: readonly ListedInstance[] | undefined;
}

/** waiting: an instance of ours is open; timed-out / failed: Entra gave up on the last of ours. */
export type Verdict = 'waiting' | 'timed-out' | 'failed';

/** The ledger's cell for a row: no ledger was given, no entry, or the entry. */
export type LedgerCell =
  | { readonly kind: 'no-ledger' }
  | { readonly kind: 'none' }
  | { readonly kind: 'entry'; readonly entry: Pick<LedgerEntry, 'decision' | 'state' | 'decidedAt' | 'decidedBy' | 'stage'> };

export interface RequestRow {
  readonly request: ListedRequest;
  readonly verdict: Verdict;
  /** The instance of ours the verdict is about (the open one, or the last one Entra gave up on). */
  readonly instance: ListedInstance;
  /** Every instance of ours, in Graph's order. */
  readonly ours: readonly ListedInstance[];
  readonly extension: OurExtension | undefined;
  /** The stages it may wait at: the ledger's stage when it has one, else those its state allows. */
  readonly stages: readonly ElmStage[];
  readonly stageFrom: 'ledger' | 'state' | 'unknown';
  /** Since the request was created (Graph shows no time per callout instance); undefined without a creation time. */
  readonly ageMs: number | undefined;
  /** Whether the age reaches the callback window; undefined when either is unknown. */
  readonly pastWindow: boolean | undefined;
  readonly ledger: LedgerCell;
}

type RequestAnswer = Unchecked<V1.AccessPackageAssignmentRequest, 'id' | 'state' | 'status' | 'requestType' | 'createdDateTime' | 'accessPackage' | 'customExtensionCalloutInstances'> &
  Unchecked<Beta.AccessPackageAssignmentRequest, 'requestState' | 'requestStatus'>;
type InstanceAnswer = Unchecked<V1.CustomExtensionCalloutInstance, 'id' | 'customExtensionId' | 'status' | 'detail'>;
type PackageAnswer = Unchecked<V1.AccessPackage, 'id' | 'displayName'>;

const objectOf = (value: unknown): object | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined);
/** A text of Graph's, bounded (a hostile answer cannot fill a terminal). */
const text = (value: unknown, max = 200): string | undefined => (typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined);

function instanceOf(value: unknown): ListedInstance | undefined {
  const json: InstanceAnswer | undefined = objectOf(value);
  const id = text(json?.id);
  if (json === undefined || id === undefined) return undefined;
  return { id, customExtensionId: parseGuid(json.customExtensionId), status: text(json.status, 50), detail: text(json.detail, 1000) };
}

/** A request of a list page (v1.0's state/status or beta's requestState/requestStatus); undefined when it is not one (no GUID id). */
export function listedRequest(value: unknown): ListedRequest | undefined {
  const json: RequestAnswer | undefined = objectOf(value);
  const id = parseGuid(json?.id);
  if (json === undefined || id === undefined) return undefined;
  const pkg: PackageAnswer | undefined = objectOf(json.accessPackage);
  const pkgId = parseGuid(pkg?.id);
  const listed = json.customExtensionCalloutInstances;
  return {
    id,
    state: text(json.state, 50) ?? text(json.requestState, 50),
    status: text(json.status, 50) ?? text(json.requestStatus, 50),
    requestType: text(json.requestType, 50),
    createdDateTime: text(json.createdDateTime, 40),
    accessPackage: pkgId === undefined ? undefined : { id: pkgId, displayName: text(pkg?.displayName) },
    instances: Array.isArray(listed) ? listed.flatMap((i) => instanceOf(i) ?? []) : undefined,
  };
}

/** customExtensionCalloutInstanceStatus members as compared (lower case): open, and given up on. */
type InstanceStatus = Lowercase<V1.CustomExtensionCalloutInstanceStatus>;
const OPEN: ReadonlySet<string> = new Set<InstanceStatus>(['calloutsent', 'waitingforcallback']);
const TIMED_OUT: ReadonlySet<string> = new Set<InstanceStatus>(['callbacktimedout']);
const FAILED: ReadonlySet<string> = new Set<InstanceStatus>(['calloutfailed']);
const lower = (value: string | undefined): string => asciiLower(value ?? '');

/** Whether the request waits for a callback at all (its status), as Graph spells it. */
export function isWaitingForCallback(request: ListedRequest): boolean {
  return lower(request.status) === 'waitingforcallback';
}

/**
 * Whether a listed request is worth keeping while a large tenant is paged: a callout instance of
 * any extension open or given up on, or no instances listed while it waits for a callback (beta
 * is then read for them). Most requests (delivered long ago) are dropped here.
 */
export function isCandidate(request: ListedRequest): boolean {
  if (request.instances === undefined) return isWaitingForCallback(request);
  return request.instances.some((i) => OPEN.has(lower(i.status)) || TIMED_OUT.has(lower(i.status)) || FAILED.has(lower(i.status)));
}

/**
 * The verdict on a request for our extensions: waiting when an instance of ours is open and the
 * request waits for a callback (an open instance beside a request that no longer waits concludes
 * nothing: it is left out); with `gaveUp`, timed-out or failed when the last instance of ours is
 * one Entra gave up on and none is open. Undefined: not ours, answered, or not listed.
 */
export function verdictOf(request: ListedRequest, ours: ReadonlySet<string>, gaveUp: boolean): { verdict: Verdict; instance: ListedInstance; ours: ListedInstance[] } | undefined {
  const mine = (request.instances ?? []).filter((i) => i.customExtensionId !== undefined && ours.has(i.customExtensionId));
  const open = mine.find((i) => OPEN.has(lower(i.status)));
  if (open !== undefined) return isWaitingForCallback(request) ? { verdict: 'waiting', instance: open, ours: mine } : undefined;
  const last = mine.at(-1);
  if (!gaveUp || last === undefined) return undefined;
  if (TIMED_OUT.has(lower(last.status))) return { verdict: 'timed-out', instance: last, ours: mine };
  if (FAILED.has(lower(last.status))) return { verdict: 'failed', instance: last, ours: mine };
  return undefined;
}

/** The stages a request may wait at: the ledger's (it wrote the stage the callout named), else those its state allows. */
export function stagesOf(state: string | undefined, ledger: LedgerCell): Pick<RequestRow, 'stages' | 'stageFrom'> {
  const named = ledger.kind === 'entry' ? ELM_STAGES.find((s) => lower(s) === lower(ledger.entry.stage)) : undefined;
  if (named !== undefined) return { stages: [named], stageFrom: 'ledger' };
  const allowed = stagesForState(state);
  return allowed === undefined ? { stages: [], stageFrom: 'unknown' } : { stages: allowed, stageFrom: 'state' };
}

/** Milliseconds since `createdDateTime`, or undefined without one. */
export function ageOf(createdDateTime: string | undefined, now: number): number | undefined {
  const created = createdDateTime === undefined ? NaN : Date.parse(createdDateTime);
  return Number.isNaN(created) ? undefined : Math.max(0, now - created);
}

/** Whether `duration` after `createdDateTime` is already past at `now` (calendar months counted from the creation); undefined without both. */
export function isPast(createdDateTime: string | undefined, duration: IsoDuration | undefined, now: number): boolean | undefined {
  const created = createdDateTime === undefined ? NaN : Date.parse(createdDateTime);
  if (Number.isNaN(created) || duration === undefined) return undefined;
  const end = addIsoDuration(created, duration);
  return Number.isNaN(end) ? false : now >= end;
}

/** A row for a request that is ours: its stage, age and window, its ledger cell. */
export function rowOf(
  request: ListedRequest,
  verdict: NonNullable<ReturnType<typeof verdictOf>>,
  extension: OurExtension | undefined,
  ledger: LedgerCell,
  now: number,
): RequestRow {
  const window = extension?.callbackWindow === undefined ? undefined : parseIsoDuration(extension.callbackWindow);
  return {
    request,
    ...verdict,
    extension,
    ...stagesOf(request.state, ledger),
    ageMs: ageOf(request.createdDateTime, now),
    pastWindow: isPast(request.createdDateTime, window, now),
    ledger,
  };
}

/** Oldest first; requests without a creation time last, by id. */
export function byAge(a: RequestRow, b: RequestRow): number {
  return (b.ageMs ?? -1) - (a.ageMs ?? -1) || a.request.id.localeCompare(b.request.id);
}

/** An age for people: `<1m`, `42m`, `3h 05m`, `2d 04h`. */
export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${String(minutes)}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${String(hours)}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${String(Math.floor(hours / 24))}d ${String(hours % 24).padStart(2, '0')}h`;
}

import { describeError } from '../errors.js';
import type { Guid } from '../guid.js';
import { ledgerKey, type DecisionLedger } from '../ledger/ledger.js';
import type { Clock } from '../ports.js';
import {
  byAge, isCandidate, isPast, rowOf, verdictOf, type LedgerCell, type ListedRequest, type OurExtension, type RequestRow,
} from './classify-requests.js';
import { RequestsReader, type CatalogRef, type ListProgress, type PackageRef, type RequestsGraph } from './read-requests.js';
import type { OurExtensionArg, RequestsArgs } from './requests-args.js';
import { RequestsError } from './requests-error.js';

export interface RequestsServices {
  readonly graph: RequestsGraph;
  /** The decision ledger, when one was given. */
  readonly ledger: DecisionLedger | undefined;
  /** Now, for ages (epoch ms). */
  readonly clock: Clock;
  /** Each page of the request list as it is read. */
  readonly onPage?: (progress: ListProgress) => void;
}

export interface RequestsResult {
  /** When the ages were counted to (epoch ms). */
  readonly at: number;
  readonly catalog: CatalogRef | undefined;
  readonly accessPackage: PackageRef | undefined;
  readonly extension: OurExtensionArg;
  /** Our custom extensions found (by id or display name), each with its catalog and callback window. */
  readonly extensions: readonly OurExtension[];
  /** Oldest first. */
  readonly rows: readonly RequestRow[];
  readonly read: ListProgress;
  /** Where the ledger is, or undefined without one. */
  readonly ledger: string | undefined;
  readonly olderThan: string | undefined;
  readonly timedOut: boolean;
}

const label = (ref: { readonly id: string; readonly displayName: string | undefined }): string => (ref.displayName === undefined ? ref.id : `${ref.displayName} (${ref.id})`);

function matching(extensions: readonly OurExtension[], wanted: OurExtensionArg): OurExtension[] {
  return extensions.filter((e) => (wanted.kind === 'id' ? e.id === wanted.id : e.displayName === wanted.name));
}

export function describeExtension(wanted: OurExtensionArg): string {
  return wanted.kind === 'id' ? `custom extension ${wanted.id}` : `custom extension "${wanted.name}"`;
}

/** The requests whose instances name a custom extension we may be looking for. */
function mayBeOurs(requests: readonly ListedRequest[], wanted: OurExtensionArg): ListedRequest[] {
  return requests.filter((r) => (r.instances ?? []).some((i) => i.customExtensionId !== undefined && (wanted.kind === 'name' || i.customExtensionId === wanted.id)));
}

/**
 * Our extensions when no catalog was named: Graph documents no list filter on the catalog, so
 * the catalogs are those of the packages of the requests that have callouts (each package read
 * once with `$expand=catalog`), and ours are their custom extensions of our id or display name.
 * An --extension id no catalog shows is still ours, its window unknown.
 */
async function oursFromRequests(reader: RequestsReader, requests: readonly ListedRequest[], wanted: OurExtensionArg): Promise<OurExtension[]> {
  const packages = [...new Set(mayBeOurs(requests, wanted).flatMap((r) => (r.accessPackage === undefined ? [] : [r.accessPackage.id])))];
  const catalogs = new Map<Guid, CatalogRef>();
  for (const id of packages) {
    const pkg = await reader.accessPackage(id, true, false);
    if (pkg?.catalog !== undefined) catalogs.set(pkg.catalog.id, pkg.catalog);
  }
  const found: OurExtension[] = [];
  for (const catalog of catalogs.values()) found.push(...matching(await reader.extensions(catalog), wanted));
  if (found.length === 0 && wanted.kind === 'id') return [{ id: wanted.id, displayName: undefined, catalog: undefined, callbackWindow: undefined }];
  return found;
}

/** The request's instances from beta, when v1.0 did not list them (sources disagree whether it does). */
async function withInstances(reader: RequestsReader, request: ListedRequest): Promise<ListedRequest | undefined> {
  if (request.instances !== undefined) return request;
  const beta = await reader.betaRequest(request.id);
  return beta === undefined ? undefined : { ...request, state: beta.state ?? request.state, status: beta.status ?? request.status, instances: beta.instances ?? [] };
}

async function ledgerCell(ledger: DecisionLedger | undefined, requestId: string, instanceId: string): Promise<LedgerCell> {
  if (ledger === undefined) return { kind: 'no-ledger' };
  try {
    const entry = await ledger.read(ledgerKey(requestId, instanceId));
    return entry === undefined ? { kind: 'none' } : { kind: 'entry', entry };
  } catch (error) {
    throw new RequestsError(1, `the decision ledger (${ledger.where}) could not be read: ${describeError(error).split('\n')[0]?.slice(0, 300) ?? ''}`, { cause: error });
  }
}

/**
 * Every assignment request waiting on our custom extension, read only: the scope (catalog,
 * package) checked first, our extension(s) found in the catalog's customWorkflowExtensions, the
 * request list read page by page keeping only requests with callouts, each kept one classified
 * against our extension ids (waiting; with --timed-out, given up on), filtered by age, and
 * matched with its decision ledger entry (request id and stage instance id).
 */
export async function runRequests(args: RequestsArgs, services: RequestsServices): Promise<RequestsResult> {
  const reader = new RequestsReader(services.graph);
  const now = services.clock.now();
  const accessPackage = args.packageId === undefined ? undefined : await reader.accessPackage(args.packageId, args.catalogId === undefined, true);
  const catalog = args.catalogId === undefined ? accessPackage?.catalog : await reader.catalog(args.catalogId);
  if (accessPackage !== undefined && catalog === undefined) throw new RequestsError(1, `Graph's answer for access package ${accessPackage.id} names no catalog; give it with --catalog <id>`);
  let extensions: OurExtension[] | undefined;
  if (catalog !== undefined) {
    extensions = matching(await reader.extensions(catalog), args.extension);
    if (extensions.length === 0) {
      throw new RequestsError(2, `no ${describeExtension(args.extension)} in catalog ${label(catalog)}: register it (npm run register -- --catalog ${catalog.id}) or name ours with --name or --extension`);
    }
  }
  const listed = await reader.requests(args.packageId, isCandidate, services.onPage ?? (() => undefined));
  const candidates: ListedRequest[] = [];
  for (const request of listed.kept) {
    const complete = await withInstances(reader, request);
    if (complete !== undefined) candidates.push(complete);
  }
  extensions ??= await oursFromRequests(reader, candidates, args.extension);
  const byId = new Map(extensions.map((e) => [e.id, e]));
  const ids = new Set<string>(byId.keys());
  const rows: RequestRow[] = [];
  for (const request of candidates) {
    const verdict = verdictOf(request, ids, args.timedOut);
    if (verdict === undefined) continue;
    if (args.olderThan !== undefined && isPast(request.createdDateTime, args.olderThan.duration, now) !== true) continue;
    const extension = verdict.instance.customExtensionId === undefined ? undefined : byId.get(verdict.instance.customExtensionId);
    rows.push(rowOf(request, verdict, extension, await ledgerCell(services.ledger, request.id, verdict.instance.id), now));
  }
  return {
    at: now,
    catalog,
    accessPackage,
    extension: args.extension,
    extensions,
    rows: rows.sort(byAge),
    read: listed.progress,
    ledger: services.ledger?.where,
    olderThan: args.olderThan?.text,
    timedOut: args.timedOut,
  };
}

import type * as V1 from '@microsoft/microsoft-graph-types';
import { isAppError } from '../errors.js';
import { graphErrorCode, graphErrorMessage, GraphTransportError, type GraphAnswer, type GraphCall, type GraphHttp } from '../graph/graph-http.js';
import { graphPath } from '../graph/graph-path.js';
import type { Unchecked } from '../graph/graph-types.js';
import { describeRead, InvalidPage, isGraphPage, walkPages } from '../graph/paging.js';
import { Deadline, sendWithRetry } from '../graph/retry.js';
import { parseGuid, type Guid } from '../guid.js';
import type { Clock } from '../ports.js';
import { listedRequest, type ListedRequest, type OurExtension } from './classify-requests.js';
import { RequestsError } from './requests-error.js';

/** The Graph the command reads, and how long each read may take. */
export interface RequestsGraph {
  /** Any Graph: it is wrapped read-only here. */
  readonly http: GraphHttp;
  /** Graph's origin: nextLinks must stay on it. */
  readonly graphOrigin: string;
  readonly clock: Clock;
  /** Time one attempt may take, and one read may spend with retries. */
  readonly timeoutMs: number;
  readonly budgetMs: number;
}

export interface CatalogRef {
  readonly id: Guid;
  readonly displayName: string | undefined;
}

export interface PackageRef extends CatalogRef {
  /** The package's catalog when it was asked for ($expand=catalog) and Graph gave it. */
  readonly catalog: CatalogRef | undefined;
}

/** How a page of the request list went, for the progress line. */
export interface ListProgress {
  readonly pages: number;
  readonly read: number;
  readonly kept: number;
}

type CatalogAnswer = Unchecked<V1.AccessPackageCatalog, 'id' | 'displayName'>;
type PackageAnswer = Unchecked<V1.AccessPackage, 'id' | 'displayName' | 'catalog'>;
type ExtensionAnswer = Unchecked<V1.AccessPackageAssignmentRequestWorkflowExtension, 'id' | 'displayName' | 'callbackConfiguration'>;
type WindowAnswer = Unchecked<V1.CustomExtensionCallbackConfiguration, 'timeoutDuration'>;

const ELM = ['identityGovernance', 'entitlementManagement'] as const;
const PERMISSION = 'EntitlementManagement.Read.All';
/** A tenant's request list may be long: 10,000 pages (Graph's pages are of 100 or so) before it is refused. */
const MAX_REQUEST_PAGES = 10_000;
/** A catalog holds at most 20 custom extensions (500 a tenant): a page or a few. */
const MAX_EXTENSION_PAGES = 50;

const objectOf = (value: unknown): object | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value.slice(0, 200) : undefined);

/** The command only reads: anything but a GET is refused before it reaches Graph (and is not retried). */
function readOnly(http: GraphHttp): GraphHttp {
  return {
    send: (call, timeoutMs) => (call.method === 'GET' ? http.send(call, timeoutMs) : Promise.reject(new Error(`npm run requests only reads Graph; refused ${call.method} ${call.path.split('?')[0] ?? ''}`))),
  };
}

/** Graph's own words for a refusal, for the one-line error. */
function graphMessage(answer: GraphAnswer): string {
  const message = graphErrorMessage(answer);
  return message === '' ? '' : `: ${message}`;
}

function refused(answer: GraphAnswer, call: GraphCall): RequestsError {
  const detail = `${String(answer.status)} ${graphErrorCode(answer)}`;
  if (answer.status === 401 || answer.status === 403) return new RequestsError(1, `Graph refused ${describeRead(call)} (${detail}): the signed-in identity needs ${PERMISSION}`);
  return new RequestsError(1, `Graph answered ${detail} to ${describeRead(call)}${graphMessage(answer)}`);
}

/** Retries ran out, no answer came, a page could not be followed: exit 1 saying what was being read. */
function failed(error: unknown, call: GraphCall): never {
  if (error instanceof RequestsError) throw error;
  if (isAppError(error) || error instanceof GraphTransportError || error instanceof InvalidPage) {
    throw new RequestsError(1, `could not read ${describeRead(call)}: ${error.message}`, { cause: error });
  }
  throw error;
}

/** Graph's reads for the command: each retried within its own budget, answers checked before use. */
export class RequestsReader {
  private readonly http: GraphHttp;

  constructor(private readonly graph: RequestsGraph) {
    this.http = readOnly(graph.http);
  }

  private send(call: GraphCall): Promise<GraphAnswer> {
    const { clock, timeoutMs, budgetMs } = this.graph;
    return sendWithRetry(this.http, call, Deadline.after(clock, budgetMs), { clock, timeoutMs });
  }

  private async get(call: GraphCall): Promise<GraphAnswer> {
    try {
      return await this.send(call);
    } catch (error) {
      failed(error, call);
    }
  }

  /** Every item of a collection, page by page, handed to `onItems` as it comes. */
  private async walk(call: GraphCall, maxPages: number, onItems: (items: readonly unknown[], pages: number) => void): Promise<number> {
    let pages = 0;
    try {
      const walk = await walkPages((c) => this.send(c), call, { graphOrigin: this.graph.graphOrigin, maxPages, isPage: isGraphPage }, (items) => {
        pages++;
        onItems(items, pages);
      });
      if (!walk.complete) throw refused(walk.answer, call);
      return pages;
    } catch (error) {
      failed(error, call);
    }
  }

  /** GET …/catalogs/{id}: the catalog, or exit 2 when there is none. */
  async catalog(id: Guid): Promise<CatalogRef> {
    const call: GraphCall = { method: 'GET', version: 'v1.0', path: graphPath([...ELM, 'catalogs', id], { $select: 'id,displayName' }) };
    const answer = await this.get(call);
    if (answer.status === 404) throw new RequestsError(2, `no catalog ${id} in the tenant (Graph answered 404)`);
    const json: CatalogAnswer | undefined = objectOf(answer.json);
    const found = parseGuid(json?.id);
    if (answer.status !== 200 || found === undefined) throw refused(answer, call);
    return { id: found, displayName: text(json?.displayName) };
  }

  /**
   * GET …/accessPackages/{id}, with its catalog ($expand=catalog) when asked: exit 2 when there is
   * no such package (`required`), undefined otherwise (a package gone since its requests were made).
   */
  async accessPackage(id: Guid, withCatalog: boolean, required: boolean): Promise<PackageRef | undefined> {
    const query = withCatalog ? { $select: 'id,displayName', $expand: 'catalog($select=id,displayName)' } : { $select: 'id,displayName' };
    const call: GraphCall = { method: 'GET', version: 'v1.0', path: graphPath([...ELM, 'accessPackages', id], query) };
    const answer = await this.get(call);
    if (answer.status === 404) {
      if (required) throw new RequestsError(2, `no access package ${id} in the tenant (Graph answered 404)`);
      return undefined;
    }
    if (answer.status === 400 && withCatalog) {
      throw new RequestsError(1, `Graph answered 400 ${graphErrorCode(answer)} to ${describeRead(call)} with $expand=catalog; give the catalog with --catalog <id>`);
    }
    const json: PackageAnswer | undefined = objectOf(answer.json);
    const found = parseGuid(json?.id);
    if (answer.status !== 200 || found === undefined) throw refused(answer, call);
    const catalog: CatalogAnswer | undefined = objectOf(json?.catalog);
    const catalogId = parseGuid(catalog?.id);
    return { id: found, displayName: text(json?.displayName), catalog: catalogId === undefined ? undefined : { id: catalogId, displayName: text(catalog?.displayName) } };
  }

  /** GET …/catalogs/{id}/customWorkflowExtensions: every custom extension of the catalog, with its callback window. */
  async extensions(catalog: CatalogRef): Promise<OurExtension[]> {
    const call: GraphCall = { method: 'GET', version: 'v1.0', path: graphPath([...ELM, 'catalogs', catalog.id, 'customWorkflowExtensions']) };
    const found: OurExtension[] = [];
    await this.walk(call, MAX_EXTENSION_PAGES, (items) => {
      for (const item of items) {
        const json: ExtensionAnswer | undefined = objectOf(item);
        const id = parseGuid(json?.id);
        if (json === undefined || id === undefined) continue;
        const window: WindowAnswer | undefined = objectOf(json.callbackConfiguration);
        found.push({ id, displayName: text(json.displayName), catalog, callbackWindow: text(window?.timeoutDuration) });
      }
    });
    return found;
  }

  /**
   * GET v1.0 …/assignmentRequests, every page: the requests with their callout instances and
   * access package (`$expand=accessPackage`), for one package when given
   * (`$filter=accessPackage/id eq '…'`, as Graph's reference shows). Graph documents no filter on
   * the catalog or the status, so every request is read and `keep` decides what is held: a big
   * tenant's years of delivered requests pass through a page at a time.
   */
  async requests(packageId: Guid | undefined, keep: (request: ListedRequest) => boolean, onPage: (progress: ListProgress) => void): Promise<{ kept: ListedRequest[]; progress: ListProgress }> {
    const query = {
      $select: 'id,state,status,requestType,createdDateTime,customExtensionCalloutInstances',
      $expand: 'accessPackage',
      ...(packageId === undefined ? {} : { $filter: `accessPackage/id eq '${packageId}'` }),
    };
    const call: GraphCall = { method: 'GET', version: 'v1.0', path: graphPath([...ELM, 'assignmentRequests'], query) };
    const kept: ListedRequest[] = [];
    let read = 0;
    const pages = await this.walk(call, MAX_REQUEST_PAGES, (items, page) => {
      for (const item of items) {
        read++;
        const request = listedRequest(item);
        if (request !== undefined && keep(request)) kept.push(request);
      }
      onPage({ pages: page, read, kept: kept.length });
    });
    return { kept, progress: { pages, read, kept: kept.length } };
  }

  /** GET beta …/assignmentRequests/{id}: the request with its callout instances, which beta always lists; undefined when it is gone. */
  async betaRequest(id: Guid): Promise<ListedRequest | undefined> {
    const call: GraphCall = { method: 'GET', version: 'beta', path: graphPath([...ELM, 'assignmentRequests', id]) };
    const answer = await this.get(call);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw refused(answer, call);
    const request = listedRequest(answer.json);
    if (request?.id !== id) throw new RequestsError(1, `Graph's answer to ${describeRead(call)} is not that request`);
    return request;
  }
}

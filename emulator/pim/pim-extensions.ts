import { randomUUID } from 'node:crypto';
import { graphError, type GraphReply } from '../graph/graph-errors.js';
import { pimExtensionProblem, PIM_EXTENSION_TYPE } from './pim-extension-rules.js';

/** A PIM custom extension (roleManagementCustomCalloutExtension): the properties as last written. */
export interface StoredPimExtension {
  readonly id: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly createdDateTime: string;
  readonly lastModifiedDateTime: string;
}

/** What PIM reads of an extension when it calls it: where, with which token audience, how long and how often. */
export interface PimCallSettings {
  readonly targetUrl: string;
  readonly resourceId: string;
  readonly resourceType: string;
  readonly timeoutInMilliseconds: number | undefined;
  readonly maximumRetries: number | undefined;
}

const badRequest = (message: string): GraphReply => graphError(400, 'BadRequest', message);
const notFound = (id: string): GraphReply => graphError(404, 'ResourceNotFound', `The custom extension '${id}' does not exist.`);
const now = (): string => new Date().toISOString();
const obj = (value: unknown): Readonly<Record<string, unknown>> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const whole = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) ? value : undefined);

/**
 * The tenant's PIM custom extensions, written through Graph (`npm run register -- --pim`, tests),
 * each write checked as Graph checks it (pim-extension-rules.ts). Not seeded from the tenant
 * file, as the catalogs' custom extensions are not: registering makes them.
 */
export class PimExtensions {
  private readonly map = new Map<string, StoredPimExtension>();
  /** Whether an extension is still named by an enabled rule of a role management policy (it cannot go then). */
  inUse: (id: string) => string | undefined = () => undefined;

  list(): StoredPimExtension[] {
    return [...this.map.values()];
  }

  get(id: string): StoredPimExtension | undefined {
    return this.map.get(id.toLowerCase());
  }

  /** How PIM calls it; undefined for an extension the emulator does not hold. */
  callSettings(id: string): PimCallSettings | undefined {
    const ext = this.get(id);
    if (ext === undefined) return undefined;
    const client = obj(ext.body['clientConfiguration']);
    return {
      targetUrl: String(obj(ext.body['endpointConfiguration'])['targetUrl']),
      resourceId: String(obj(ext.body['authenticationConfiguration'])['resourceId']),
      resourceType: String(ext.body['resourceType']),
      timeoutInMilliseconds: whole(client['timeoutInMilliseconds']),
      maximumRetries: whole(client['maximumRetries']),
    };
  }

  create(body: unknown): GraphReply {
    const problem = pimExtensionProblem(body, false);
    if (problem !== undefined) return badRequest(problem);
    const { id: given, ...rest } = body as Record<string, unknown>;
    const id = typeof given === 'string' ? given.toLowerCase() : randomUUID();
    if (this.map.has(id)) return graphError(409, 'Conflict', `A custom extension with id '${id}' already exists.`);
    const at = now();
    const ext: StoredPimExtension = { id, body: rest, createdDateTime: at, lastModifiedDateTime: at };
    this.map.set(id, ext);
    return { status: 201, body: pimExtensionResource(ext) };
  }

  /** PATCH: the properties given replace the stored ones; 204, as Graph's update pages answer. */
  update(id: string, body: unknown): GraphReply {
    const ext = this.get(id);
    if (ext === undefined) return notFound(id);
    const problem = pimExtensionProblem(body, true);
    if (problem !== undefined) return badRequest(problem);
    this.map.set(ext.id, { ...ext, body: { ...ext.body, ...(body as Record<string, unknown>) }, lastModifiedDateTime: now() });
    return { status: 204 };
  }

  /** An extension an enabled policy rule still names cannot go (PIM would call nothing); Graph's reference does not say how it refuses, the emulator answers 400 as it does for a catalog's. */
  delete(id: string): GraphReply {
    const ext = this.get(id);
    if (ext === undefined) return notFound(id);
    const user = this.inUse(ext.id);
    if (user !== undefined) return badRequest(`The custom extension '${ext.id}' is in use by the role management policy '${user}'.`);
    this.map.delete(ext.id);
    return { status: 204 };
  }

  read(id: string): GraphReply {
    const ext = this.get(id);
    return ext === undefined ? notFound(id) : { status: 200, body: pimExtensionResource(ext) };
  }
}

/** An extension as Graph answers it: every property of the type (it has no timestamps), null where none was written. */
export function pimExtensionResource(ext: StoredPimExtension): Record<string, unknown> {
  const b = ext.body;
  return {
    '@odata.type': PIM_EXTENSION_TYPE, id: ext.id, displayName: b['displayName'], description: b['description'] ?? null,
    endpointConfiguration: b['endpointConfiguration'], authenticationConfiguration: b['authenticationConfiguration'], clientConfiguration: b['clientConfiguration'] ?? null,
    resourceType: b['resourceType'], customAttributes: b['customAttributes'] ?? [], type: b['type'] ?? null,
  };
}

import { randomUUID } from 'node:crypto';
import type { CallerTokenOptions } from '../identity/caller-tokens.js';
import { callExtension, type PimCallResult } from './pim-caller.js';
import type { PimExtensions } from './pim-extensions.js';
import type { PimPolicies, PolicyScope } from './pim-policies.js';
import { activationBody, RESOURCE_TYPE_OF, type PimActivationRequest } from './pim-request-models.js';

/** How `activate` plays PIM; every part has a default. */
export interface PimActivateOptions {
  /**
   * The PIM custom extension (held by the emulator) PIM calls: its targetUrl, its
   * clientConfiguration, and its authenticationConfiguration.resourceId as the token's audience.
   * Default: the one the scope's role management policy links (groups and Entra roles).
   */
  readonly extensionId?: string;
  /** Where to POST instead of the extension's targetUrl: an http:// or https:// loopback URL (the local host's /api/pim). */
  readonly targetUrl?: string;
  /** Override the extension's clientConfiguration (defaults without one: 10000 ms, 3 retries, the how-to's example). */
  readonly timeoutMs?: number;
  readonly maximumRetries?: number;
  /** The bearer token to send; default one minted as Entra issues it to PIM (mintPimToken with `tokenOptions`). */
  readonly token?: string;
  readonly tokenOptions?: CallerTokenOptions;
  /** The longest Retry-After honoured (default 2000 ms) and the wait before a retry without one (default 200 ms). */
  readonly maxRetryAfterMs?: number;
  readonly retryDelayMs?: number;
  /** The schedule request's id in the Graph models (default: a new GUID, the same on every retry). */
  readonly requestId?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What one activation came to, as `activate` returns it and `pimActivations` records it. */
export interface PimActivationResult extends PimCallResult {
  readonly targetUrl: string;
  /** The extension called, when one held by the emulator was. */
  readonly extensionId: string | undefined;
  /** The schedule request's id (the Graph models); undefined for an Azure resource request. */
  readonly requestId: string | undefined;
  /** The body sent, the same on every attempt. */
  readonly body: Record<string, unknown>;
}

/** An activation the emulator made, in order. */
export interface PimActivationRecord {
  readonly at: number;
  readonly request: PimActivationRequest;
  readonly result: PimActivationResult;
}

/** What `activate` needs of the emulator. */
export interface PimActivationDeps {
  readonly pimExtensions: PimExtensions;
  readonly pimPolicies: PimPolicies;
  readonly caCertPem: string;
  mintPimToken(options: CallerTokenOptions): Promise<string>;
}

export const DEFAULT_PIM_TIMEOUT_MS = 10_000;
export const DEFAULT_PIM_RETRIES = 3;

function scopeOf(request: PimActivationRequest): PolicyScope | undefined {
  if (request.kind === 'group') return { scopeType: 'Group', scopeId: request.groupId, roleDefinitionId: request.accessId ?? 'member' };
  return request.kind === 'entraRole' ? { scopeType: 'DirectoryRole', scopeId: '/', roleDefinitionId: request.roleDefinitionId } : undefined;
}

/**
 * Plays PIM activating a role: builds the request model of its resource type, finds the
 * extension to call (given, or linked to the role's policy), mints the token Entra would give
 * PIM for it, and calls it (pim-caller.ts). Throws when there is nothing to call.
 */
export async function activate(deps: PimActivationDeps, request: PimActivationRequest, options: PimActivateOptions = {}): Promise<PimActivationResult> {
  const scope = scopeOf(request);
  const extensionId = options.extensionId ?? (scope === undefined ? undefined : deps.pimPolicies.linkedExtension(scope));
  const settings = extensionId === undefined ? undefined : deps.pimExtensions.callSettings(extensionId);
  if (extensionId !== undefined && settings === undefined) throw new Error(`the tenant emulator holds no PIM custom extension ${extensionId}`);
  if (settings !== undefined && settings.resourceType !== RESOURCE_TYPE_OF[request.kind]) {
    throw new Error(`the PIM custom extension ${extensionId ?? ''} serves ${settings.resourceType}, not ${RESOURCE_TYPE_OF[request.kind]} (a ${request.kind} activation)`);
  }
  const targetUrl = options.targetUrl ?? settings?.targetUrl;
  if (targetUrl === undefined) throw new Error(`nothing to call for this ${request.kind} activation: give targetUrl or extensionId, or link an extension to the role's policy`);
  const requestId = request.kind === 'azureResource' ? undefined : (options.requestId ?? randomUUID());
  const body = activationBody(request, requestId ?? '');
  const token = options.token ?? (await deps.mintPimToken({ ...(settings === undefined ? {} : { audience: settings.resourceId }), ...options.tokenOptions }));
  const result = await callExtension({
    url: targetUrl, token, body, ca: deps.caCertPem,
    timeoutMs: options.timeoutMs ?? settings?.timeoutInMilliseconds ?? DEFAULT_PIM_TIMEOUT_MS,
    maximumRetries: options.maximumRetries ?? settings?.maximumRetries ?? DEFAULT_PIM_RETRIES,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 2000,
    retryDelayMs: options.retryDelayMs ?? 200,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
  return { ...result, targetUrl, extensionId, requestId, body };
}

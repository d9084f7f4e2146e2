import type { Guid } from '../guid.js';
import type { PimActivation, PimTarget } from '../pim/activation.js';
import { parseActivation } from '../pim/parse-activation.js';
import type { ActivationAsk } from './activation-args.js';

/** What PIM's request models are named, by what they activate. */
export const MODEL_NAME: Readonly<Record<PimTarget['kind'], string>> = {
  group: 'privilegedAccessGroupAssignmentScheduleRequest',
  'directory-role': 'unifiedRoleAssignmentScheduleRequest',
  'azure-role': 'Azure role assignment schedule request',
};

export interface WhatIfActivationInput extends Omit<ActivationAsk, 'start'> {
  readonly principalId: Guid;
  /** The schedule request's id the Graph models carry (made up: it matches no real request). */
  readonly requestId: Guid;
  /** When the activation starts, as an ISO instant. */
  readonly start: string;
}

/** Graph's requestSchedule and ticketInfo, as PIM sends them for groups and Entra roles. */
function graphSchedule(input: WhatIfActivationInput): Record<string, unknown> {
  return {
    scheduleInfo: {
      '@odata.type': 'microsoft.graph.requestSchedule',
      startDateTime: input.start,
      expiration: { '@odata.type': 'microsoft.graph.expirationPattern', type: 'afterDuration', duration: input.duration, endDateTime: null },
    },
    ticketInfo: { '@odata.type': 'microsoft.graph.ticketInfo', ticketNumber: input.ticket?.number ?? null, ticketSystem: input.ticket?.system ?? null },
  };
}

/**
 * The body PIM's custom extension would POST for a self-activation (the three request models of
 * src/pim/parse-activation.ts; test/fixtures/pim holds one of each): PIM for Groups and Entra
 * roles send Graph's schedule request with its id, Azure resources an ARM role assignment
 * schedule request in a `properties` wrapper, without one.
 */
export function activationBody(input: WhatIfActivationInput): Record<string, unknown> {
  const { target } = input;
  const justification = input.justification ?? null;
  switch (target.kind) {
    case 'group':
      return {
        '@odata.type': `#microsoft.graph.${MODEL_NAME.group}`, id: input.requestId, action: 'selfActivate', justification,
        principalId: input.principalId, accessId: target.access, groupId: target.groupId, ...graphSchedule(input),
      };
    case 'directory-role':
      return {
        '@odata.type': `#microsoft.graph.${MODEL_NAME['directory-role']}`, id: input.requestId, action: 'selfActivate', principalId: input.principalId,
        roleDefinitionId: target.roleDefinitionId, directoryScopeId: target.directoryScopeId, justification, ...graphSchedule(input),
      };
    case 'azure-role':
      return {
        properties: {
          principalId: input.principalId, principalType: 'User', requestType: 'SelfActivate', roleDefinitionId: target.roleDefinitionId, scope: target.scope, justification,
          scheduleInfo: { startDateTime: input.start, expiration: { type: 'AfterDuration', duration: input.duration } },
          ...(input.ticket === undefined ? {} : { ticketInfo: { ticketNumber: input.ticket.number ?? null, ticketSystem: input.ticket.system ?? null } }),
        },
      };
  }
}

/**
 * The activation as the function would evaluate it: the body PIM would send, read by the same
 * parser `POST /api/pim` uses. The arguments were checked as that parser checks, so it takes it;
 * a refusal would be a bug here, and is thrown.
 */
export function buildWhatIfActivation(input: WhatIfActivationInput): { readonly body: Record<string, unknown>; readonly activation: PimActivation } {
  const body = activationBody(input);
  return { body, activation: parseActivation(body) };
}

import { readFileSync } from 'node:fs';
import type { PimActivation } from '../../src/pim/activation.js';
import { parseActivation } from '../../src/pim/parse-activation.js';

/** A PIM activation fixture (test/fixtures/pim) as parse-activation.ts reads it. */
export function activationFixture(name: 'group-activation' | 'entra-role-activation' | 'azure-resource-activation', changes: Readonly<Record<string, unknown>> = {}): PimActivation {
  const body = JSON.parse(readFileSync(new URL(`../fixtures/pim/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
  // The Azure model wraps its fields in properties: changes go there.
  const changed = name === 'azure-resource-activation' ? { properties: { ...(body['properties'] as object), ...changes } } : { ...body, ...changes };
  return parseActivation(changed);
}

/** The three fixtures: membership of a group, User Administrator at the tenant, Contributor on the resource group rg-payments. */
export const GROUP_ACTIVATION = activationFixture('group-activation');
export const ROLE_ACTIVATION = activationFixture('entra-role-activation');
export const AZURE_ACTIVATION = activationFixture('azure-resource-activation');

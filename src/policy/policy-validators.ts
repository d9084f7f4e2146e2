import { Ajv, type Options, type ValidateFunction } from 'ajv';
import type { Check } from '../checks/define-check.js';
import { buildPolicySchema } from './policy-schema.js';

export interface PolicyValidators {
  /** The document's structure (`buildPolicySchema(checks, 'structure')`). */
  readonly document: ValidateFunction;
  /** One check's options, after its defaults are merged in. */
  options(check: Check): ValidateFunction;
}

/**
 * ajv's options for the policy document and the checks' options. The deployment bundle replaces
 * this module with validators generated at build time from the same schemas and options
 * (scripts/bundle/precompile-validators.ts): the check registry is static, so is the schema.
 */
export const POLICY_AJV_OPTIONS = { allErrors: false, allowUnionTypes: true, strict: true, strictTypes: false } as const satisfies Options;

/** One ajv instance per policy load; an options schema is compiled when a scope first configures its check. */
export function compilePolicyValidators(checks: readonly Check[]): PolicyValidators {
  const ajv = new Ajv(POLICY_AJV_OPTIONS);
  return { document: ajv.compile(buildPolicySchema(checks, 'structure')), options: (check) => ajv.compile(check.optionsSchema) };
}

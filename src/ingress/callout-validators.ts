import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { elmCalloutSchema, lcwCalloutSchema } from './callout-schemas.js';

export interface CalloutValidators {
  readonly elm: ValidateFunction;
  readonly lcw: ValidateFunction;
}

/**
 * ajv's options for the callout body schemas. The deployment bundle replaces this module with
 * validators generated at build time from the same schemas and options
 * (scripts/bundle/precompile-validators.ts), so the deployed app compiles nothing at start-up.
 */
export const CALLOUT_AJV_OPTIONS = { allErrors: false, allowUnionTypes: true, strict: true } as const satisfies Options;

export function compileCalloutValidators(): CalloutValidators {
  const ajv = new Ajv(CALLOUT_AJV_OPTIONS);
  return { elm: ajv.compile(elmCalloutSchema), lcw: ajv.compile(lcwCalloutSchema) };
}

import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { ANSWER_SCHEMAS, type AnswerValidators } from './answer-schemas.js';

/**
 * ajv's options for the Graph answer schemas. The deployment bundle replaces this module with
 * validators generated at build time from the same schemas and options
 * (scripts/support/precompile-validators.ts), so the deployed app compiles nothing at start-up.
 */
export const ANSWER_AJV_OPTIONS = { allErrors: false, allowUnionTypes: true, strict: true } as const satisfies Options;

/** Compiled once, in the composition root. */
export function compileAnswerValidators(): AnswerValidators {
  const ajv = new Ajv(ANSWER_AJV_OPTIONS);
  const compiled = Object.entries(ANSWER_SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)] as const);
  return Object.fromEntries(compiled) as Record<keyof AnswerValidators, ValidateFunction>;
}

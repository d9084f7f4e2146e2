import type { ElmAssignmentCallout, ElmRequestCallout, LcwTaskCallout } from '../callout/model.js';
import type { PimActivation } from '../pim/activation.js';
import type { FactName, Facts, FactSet } from '../facts/fact-types.js';

/** The callouts checks run on: every kind but the connection test, and PIM's role activations. */
export type CheckedCallout = ElmRequestCallout | ElmAssignmentCallout | LcwTaskCallout | PimActivation;
export type CheckedKind = CheckedCallout['kind'];

/** What a policy entry does with a check's finding: deny the request or flag it for approvers. */
export type Action = 'deny' | 'flag';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type MessageData = Readonly<Record<string, string | number | boolean>>;

/**
 * What `evaluate` returns for each problem it sees: a message id and its data, never prose
 * (ESLint's `context.report`). Evidence holds what a reviewer needs to verify the finding:
 * ids, display names, levels, limits; not attribute values or free text of the user.
 */
export interface Report<M extends string = string> {
  readonly messageId: M;
  readonly data?: MessageData;
  readonly severity?: Severity;
  readonly evidence?: Readonly<Record<string, unknown>>;
  /** Lowers the policy entry's action for this finding (flag: never deny); it never raises it. */
  readonly action?: Action;
  /**
   * Recorded and shown, but decides nothing and does not fail the check: what a reviewer should
   * know (an exemption that applied, a conflict the request does not touch).
   */
  readonly notice?: boolean;
  /** A notice that still keeps a PIM activation from being AutoApproved (a conflict already held, an exemption used): a person should see it. */
  readonly withholdsAutoApproval?: boolean;
}

/** A problem in a settings section: where inside it (a JSON pointer) and what. */
export class SettingsProblem extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Policy-wide settings a check reads, like ESLint's shared `settings`: a top-level section of the
 * policy document (separation-of-duties rules), validated against `schema` and compiled once
 * when the policy loads; other tools (the scan) read the compiled section too.
 */
export interface CheckSettings<S> {
  /** The top-level property of the policy document. */
  readonly key: string;
  /** Every property documented; `additionalProperties: false`. */
  readonly schema: JsonSchema;
  /** The validated section (undefined when the policy has none) → what evaluate receives; throws SettingsProblem. */
  compile(section: unknown): S;
}

/** A JSON Schema object (draft 2020-12 subset that ajv compiles). */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface CheckDefinition<O extends object, N extends FactName, M extends string, S = undefined> {
  /** kebab-case; equals the file name and the registry key. */
  readonly id: string;
  readonly description: string;
  /** Every property documented (`description`); `additionalProperties: false`. */
  readonly optionsSchema: JsonSchema;
  /** Merged under the policy's options before validation, so evaluate sees complete options. */
  readonly defaultOptions: O;
  /**
   * What the schema cannot say about merged options (a pattern that does not compile, limits in
   * the wrong order): the path inside the options and a message; start-up stops on it.
   */
  readonly optionsProblem?: (options: O, settings: S) => { readonly path: string; readonly message: string } | undefined;
  /** The policy-wide section the check reads, when it has one. */
  readonly settings?: CheckSettings<S>;
  /** Facts to read, fixed or chosen from the options (a read only some options require). */
  readonly needs: readonly N[] | ((options: O) => readonly N[]);
  /** The callout kinds the check understands; elsewhere it is skipped. */
  readonly appliesTo: readonly CheckedKind[];
  /** Severity of a finding that does not set its own. */
  readonly severity: Severity;
  /** Message templates by id; `{{name}}` is replaced by the report's data. */
  readonly messages: Readonly<Record<M, string>>;
  /** Pure: same inputs, same reports. An empty list means the check passed. */
  evaluate(callout: CheckedCallout, facts: Facts<N>, options: O, settings: S): readonly Report<M>[];
}

/** A check with its option and fact types erased, as the registry and the engine hold it. */
export interface Check {
  readonly id: string;
  readonly description: string;
  readonly optionsSchema: JsonSchema;
  readonly defaultOptions: Readonly<Record<string, unknown>>;
  readonly appliesTo: readonly CheckedKind[];
  readonly severity: Severity;
  readonly messages: Readonly<Record<string, string>>;
  readonly settings: CheckSettings<unknown> | undefined;
  needsFor(options: unknown): readonly FactName[];
  optionsProblem(options: unknown, settings: unknown): { readonly path: string; readonly message: string } | undefined;
  /** Called only with validated options, the compiled settings, and every needed fact loaded. */
  evaluate(callout: CheckedCallout, facts: FactSet, options: unknown, settings: unknown): readonly Report[];
}

/**
 * Declares a check the way ESLint declares a rule: metadata, an options schema with defaults,
 * the facts it needs, message templates, and a pure `evaluate`.
 */
export function defineCheck<O extends object, N extends FactName, M extends string, S = undefined>(definition: CheckDefinition<O, N, M, S>): Check {
  const { needs } = definition;
  return {
    id: definition.id,
    description: definition.description,
    optionsSchema: definition.optionsSchema,
    defaultOptions: definition.defaultOptions as Readonly<Record<string, unknown>>,
    appliesTo: definition.appliesTo,
    severity: definition.severity,
    messages: definition.messages,
    settings: definition.settings,
    optionsProblem: (options, settings) => definition.optionsProblem?.(options as O, settings as S),
    needsFor: (options) => (typeof needs === 'function' ? needs(options as O) : needs),
    evaluate: (callout, facts, options, settings) => definition.evaluate(callout, facts as Facts<N>, options as O, settings as S),
  };
}

/** Fills each double-brace name in the template from data; a name without a value stays as written, so a wrong template is noticed. */
export function renderMessage(template: string, data: MessageData | undefined): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    const value = data?.[name];
    return value === undefined ? whole : String(value);
  });
}

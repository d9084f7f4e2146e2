import { createHash } from 'node:crypto';
import type { ErrorObject } from 'ajv';
import { SettingsProblem, type Check } from '../checks/define-check.js';
import { AppError } from '../errors.js';
import type { FactName } from '../facts/fact-types.js';
import { REQUEST_TYPES, requestTypeOf, type RequestType } from '../request-types.js';
import { stageCapabilities, stageMayDeny } from '../stages.js';
import { APPROVER_TYPES } from './policy-schema.js';
import { compilePolicyValidators } from './policy-validators.js';
import { ELM_ONLY as ELM_KEYS, LCW_ONLY as LCW_KEYS, PIM_ONLY as PIM_KEYS } from './select-scopes.js';
import type { Action, ApproverPolicy, ApproverSource, ConfiguredCheck, FailMode, Match, Mode, Policy, Scope } from './policy-types.js';

export interface PolicyLoadOptions {
  readonly checks: readonly Check[];
  readonly allowDenyAtApprovedStage: boolean;
}

class PolicyProblem extends Error {
  constructor(
    readonly pointer: string,
    message: string,
  ) {
    super(message);
  }
}

/** Plain objects merge key by key (the policy's value wins); anything else replaces. */
export function mergeDefaults(defaults: unknown, given: unknown): unknown {
  const plain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!plain(defaults) || !plain(given)) return given === undefined ? defaults : given;
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) merged[key] = mergeDefaults(defaults[key], value);
  return merged;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const position = /position (\d+)/.exec(String(error))?.[1];
    if (position === undefined) throw new PolicyProblem('', `not valid JSON (${(error as Error).message})`);
    const before = text.slice(0, Number(position));
    const line = before.split('\n').length;
    const column = Number(position) - before.lastIndexOf('\n');
    throw new PolicyProblem('', `not valid JSON at line ${line}, column ${column}`);
  }
}

function explain(error: ErrorObject): PolicyProblem {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    return new PolicyProblem(error.instancePath, `unknown field "${String(params['additionalProperty'])}"`);
  }
  if (error.keyword === 'enum' && error.instancePath.endsWith('/id') && error.instancePath.includes('/checks/')) {
    return new PolicyProblem(error.instancePath, `unknown check; known checks: ${(params['allowedValues'] as string[]).join(', ')}`);
  }
  if (error.keyword === 'enum') {
    return new PolicyProblem(error.instancePath, `must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`);
  }
  if (error.keyword === 'pattern' && /\/match\/requestTypes\/\d+$/.test(error.instancePath)) {
    return new PolicyProblem(error.instancePath, `must be one of ${REQUEST_TYPES.join(', ')} (in any casing)`);
  }
  return new PolicyProblem(error.instancePath, error.message ?? 'is not valid');
}

/**
 * The error to show from ajv's list. Under a `oneOf` (approver sources) the branch of the source's
 * `type` says what is wrong; an unknown `type` is itself the problem.
 */
function firstProblem(errors: readonly ErrorObject[], doc: unknown): PolicyProblem {
  const oneOf = errors.find((e) => e.keyword === 'oneOf');
  if (oneOf === undefined) return explain(errors[0] as ErrorObject);
  const type = (at(doc, oneOf.instancePath) as { type?: unknown } | undefined)?.type;
  const branch = APPROVER_TYPES.indexOf(type as (typeof APPROVER_TYPES)[number]);
  if (branch === -1) return new PolicyProblem(`${oneOf.instancePath}/type`, `must be one of ${APPROVER_TYPES.join(', ')}`);
  const inBranch = errors.find((e) => e.schemaPath.includes(`/oneOf/${String(branch)}/`));
  return explain(inBranch ?? oneOf);
}

/** The value at a JSON pointer (ajv's instancePath). */
function at(doc: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), doc);
}

/** Ids and names compared without case: the match is kept lower-case, request types in Graph's spelling. */
function lowerMatch(match: Match): Match {
  // Enumerations are kept as the schema spells them (validated already); ids and names are folded.
  const asSpelled = new Set(['resourceTypes', 'groupAccess']);
  const lowered: Match = Object.fromEntries(Object.entries(match).map(([key, list]) => [key, asSpelled.has(key) ? list : (list as string[]).map((s) => s.toLowerCase())]));
  return match.requestTypes === undefined ? lowered : { ...lowered, requestTypes: [...new Set(match.requestTypes.map((t) => requestTypeOf(t) as RequestType))] };
}
const APPROVAL_STAGE = 'assignmentRequestDeterminingApprovalRequirements';

interface ScopeDoc {
  name: string;
  match?: Match;
  mode?: Mode;
  failMode?: FailMode;
  outcome?: 'AutoApproved';
  checks?: { id: string; action: Action; severity?: ConfiguredCheck['severity']; failMode?: FailMode; options?: Record<string, unknown> }[];
  approvers?: { primary: ApproverSource[]; fallback?: ApproverSource[]; decisionWindow?: string; approverJustificationRequired?: boolean; escalation?: { after: string; approvers: ApproverSource[]; fallback?: ApproverSource[] } };
}

/** Hours of a validated `P{n}D` or `PT{n}H`. */
function hours(duration: string): number {
  const days = /^P(\d+)D$/.exec(duration)?.[1];
  return days !== undefined ? Number(days) * 24 : Number(/^PT(\d+)H$/.exec(duration)?.[1] ?? 0);
}

function withDefaults(source: ApproverSource): ApproverSource {
  if (source.type === 'requestorManager') return { type: source.type, level: (source as Partial<typeof source>).level ?? 1 };
  if (source.type === 'groupByAttribute') return { ...source, of: (source as Partial<typeof source>).of ?? 'target' };
  return source;
}

function compileApprovers(doc: NonNullable<ScopeDoc['approvers']>, at: string): ApproverPolicy {
  const decisionWindow = doc.decisionWindow ?? 'P14D';
  if (doc.escalation !== undefined && hours(doc.escalation.after) >= hours(decisionWindow)) {
    throw new PolicyProblem(`${at}/escalation/after`, `escalation after ${doc.escalation.after} must come before the decision window (${decisionWindow}) ends`);
  }
  return {
    primary: doc.primary.map(withDefaults),
    fallback: (doc.fallback ?? []).map(withDefaults),
    decisionWindow,
    approverJustificationRequired: doc.approverJustificationRequired ?? true,
    escalation:
      doc.escalation === undefined
        ? undefined
        : { after: doc.escalation.after, approvers: doc.escalation.approvers.map(withDefaults), fallback: (doc.escalation.fallback ?? []).map(withDefaults) },
  };
}

/** Each settings section the checks read (validated by the document's schema), compiled once. */
function compileSettings(checks: readonly Check[], root: Record<string, unknown>): Record<string, unknown> {
  const compiled: Record<string, unknown> = {};
  for (const check of checks) {
    const key = check.settings?.key;
    if (check.settings === undefined || key === undefined || key in compiled) continue;
    try {
      compiled[key] = check.settings.compile(root[key]);
    } catch (error) {
      if (error instanceof SettingsProblem) throw new PolicyProblem(`/${key}${error.path}`, error.message);
      throw error;
    }
  }
  return compiled;
}

/**
 * Reads and validates a policy document against its published schema, then what a schema
 * cannot say: unique scope names, ELM and LCW keys not mixed, a deny only where a matched stage
 * can deny, checks only where they can run, approvers only where an approval stage is answered.
 * Any problem throws CONFIG.INVALID naming the JSON pointer of the offending place.
 */
export function loadPolicy(text: string, source: string, options: PolicyLoadOptions): Policy {
  const byId = new Map(options.checks.map((c) => [c.id, c]));
  const validators = compilePolicyValidators(options.checks);
  const validateDocument = validators.document;
  try {
    const doc = parseJson(text.replace(/^\uFEFF/, ''));
    if (!validateDocument(doc)) throw firstProblem(validateDocument.errors ?? [], doc);
    const root = doc as { mode?: Mode; failMode?: FailMode; scopes: ScopeDoc[] } & Record<string, unknown>;
    const settings = compileSettings(options.checks, root);
    const mode = root.mode ?? 'enforce';
    const failMode = root.failMode ?? 'deny';
    const names = new Set<string>();
    const scopes = root.scopes.map((scopeDoc, i): Scope => {
      const at = `/scopes/${i}`;
      if (names.has(scopeDoc.name)) throw new PolicyProblem(`${at}/name`, `scope name "${scopeDoc.name}" is used twice`);
      names.add(scopeDoc.name);
      const match = scopeDoc.match ?? {};
      const isElm = ELM_KEYS.some((k) => match[k] !== undefined);
      const isLcw = LCW_KEYS.some((k) => match[k] !== undefined);
      const isPim = PIM_KEYS.some((k) => match[k] !== undefined);
      if ([isElm, isLcw, isPim].filter(Boolean).length > 1) {
        throw new PolicyProblem(
          `${at}/match`,
          `mixes keys of ${[isElm ? 'entitlement management (catalogs, accessPackages, assignmentPolicies, stages, requestTypes)' : '', isLcw ? 'Lifecycle Workflows (workflows, tasks)' : '', isPim ? 'PIM activations (resourceTypes, roleDefinitions, groups, groupAccess, resourceScopes)' : ''].filter((t) => t !== '').join(' and ')}; use one scope for each`,
        );
      }
      if (scopeDoc.outcome !== undefined && !isPim) {
        throw new PolicyProblem(`${at}/outcome`, 'AutoApproved answers PIM activations only; name what the scope activates in match (resourceTypes, roleDefinitions, groups, groupAccess or resourceScopes)');
      }
      const stages = match.stages ?? [];
      const kinds: ReadonlySet<string | undefined> | undefined = isLcw ? new Set(['lcw-task']) : isPim ? new Set(['pim-activation']) : stages.length > 0 ? new Set(stages.map((s) => stageCapabilities(s)?.calloutKind)) : undefined;
      const scopeMode = scopeDoc.mode ?? mode;
      const scopeFailMode = scopeDoc.failMode ?? failMode;
      const checks = (scopeDoc.checks ?? []).map((entry, j): ConfiguredCheck => {
        const pointer = `${at}/checks/${j}`;
        const check = byId.get(entry.id) as Check;
        if (kinds !== undefined && !check.appliesTo.some((k) => kinds.has(k))) {
          throw new PolicyProblem(`${pointer}/id`, `${check.id} cannot run on the callouts this scope matches (it runs on ${check.appliesTo.join(', ')})`);
        }
        if (entry.action === 'deny' && stages.length > 0) {
          const deniable = stages.some((s) => {
            const caps = stageCapabilities(s);
            return caps !== undefined && stageMayDeny(caps, options.allowDenyAtApprovedStage);
          });
          if (!deniable) throw new PolicyProblem(`${pointer}/action`, `deny is impossible at ${stages.join(', ')} (docs/protocol.md §5); use flag`);
        }
        const merged = mergeDefaults(check.defaultOptions, entry.options ?? {}) as Record<string, unknown>;
        const validateOptions = validators.options(check);
        if (!validateOptions(merged)) {
          const problem = explain((validateOptions.errors ?? [])[0] as ErrorObject);
          throw new PolicyProblem(`${pointer}/options${problem.pointer}`, problem.message);
        }
        const checkSettings = check.settings === undefined ? undefined : settings[check.settings.key];
        const semantic = check.optionsProblem(merged, checkSettings);
        if (semantic !== undefined) throw new PolicyProblem(`${pointer}/options${semantic.path}`, semantic.message);
        return {
          check,
          scope: scopeDoc.name,
          pointer,
          action: entry.action,
          severity: entry.severity,
          mode: scopeMode,
          // In a scope that auto-approves, a flag check that could not run only keeps the activation from being auto-approved.
          failMode: entry.failMode ?? (scopeDoc.outcome === 'AutoApproved' && entry.action === 'flag' && scopeFailMode === 'deny' ? 'continue' : scopeFailMode),
          options: merged,
          settings: checkSettings,
          needs: [...new Set<FactName>(check.needsFor(merged))],
        };
      });
      if (scopeDoc.approvers !== undefined && (isLcw || isPim || (stages.length > 0 && !stages.includes(APPROVAL_STAGE)))) {
        throw new PolicyProblem(`${at}/approvers`, `approvers are answered only at ${APPROVAL_STAGE}, which this scope does not match`);
      }
      return {
        name: scopeDoc.name,
        match: lowerMatch(match),
        mode: scopeMode,
        failMode: scopeFailMode,
        checks,
        approvers: scopeDoc.approvers === undefined ? undefined : compileApprovers(scopeDoc.approvers, `${at}/approvers`),
        autoApprove: scopeDoc.outcome === 'AutoApproved',
      };
    });
    const version = `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
    return { version, source, mode, failMode, scopes, settings };
  } catch (error) {
    if (!(error instanceof PolicyProblem)) throw error;
    const where = error.pointer === '' ? '' : ` at ${error.pointer}`;
    throw new AppError('CONFIG.INVALID', `Policy ${source} is invalid${where}: ${error.message}.`, { details: { pointer: error.pointer } });
  }
}

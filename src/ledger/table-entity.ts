import type { TableEntityResult } from '@azure/data-tables';
import type { BriefFinding, DecidedBy, LedgerEntry, LedgerNote, LedgerState } from './ledger.js';

/** An entry as a table entity: flat properties, objects as JSON text, times as DateTime (so they filter). */
export interface LedgerEntity {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly protocol: string;
  readonly decision: string;
  readonly detail: string;
  readonly apiVersion: string;
  readonly path: string;
  readonly body: string;
  readonly stage?: string;
  readonly stageInstanceId?: string;
  readonly policyVersion?: string;
  readonly policyScopes?: string;
  readonly findings: string;
  readonly callerAppId?: string;
  readonly decidedBy: string;
  readonly operator?: string;
  readonly reason?: string;
  readonly catalogId?: string;
  readonly accessPackageId?: string;
  readonly targetObjectId?: string;
  readonly requestType?: string;
  readonly state: string;
  readonly decidedAt: Date;
  readonly sentAt?: Date;
  readonly confirmedAt?: Date;
  readonly refusedBody?: string;
  readonly history?: string;
}

const lower = (value: string | undefined): string | undefined => value?.toLowerCase();
const date = (value: string | undefined): Date | undefined => (value === undefined ? undefined : new Date(value));

/** The object without its undefined properties (a table has no undefined). */
function defined<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function entityOf(entry: LedgerEntry): LedgerEntity {
  return defined<LedgerEntity>({
    partitionKey: entry.key.subject,
    rowKey: entry.key.stageInstance,
    protocol: entry.protocol,
    decision: entry.decision,
    detail: entry.detail,
    apiVersion: entry.resume.apiVersion,
    path: entry.resume.path,
    body: JSON.stringify(entry.resume.body),
    stage: entry.stage,
    stageInstanceId: entry.stageInstanceId,
    policyVersion: entry.policy?.version,
    policyScopes: entry.policy === undefined ? undefined : JSON.stringify(entry.policy.scopes),
    findings: JSON.stringify(entry.findings),
    callerAppId: entry.callerAppId,
    decidedBy: entry.decidedBy,
    operator: entry.operator,
    reason: entry.reason,
    catalogId: lower(entry.subject.catalogId),
    accessPackageId: lower(entry.subject.accessPackageId),
    targetObjectId: lower(entry.subject.targetObjectId),
    requestType: entry.subject.requestType,
    state: entry.state,
    decidedAt: new Date(entry.decidedAt),
    sentAt: date(entry.sentAt),
    confirmedAt: date(entry.confirmedAt),
    refusedBody: entry.refusedBody === undefined ? undefined : JSON.stringify(entry.refusedBody),
    history: entry.history === undefined || entry.history.length === 0 ? undefined : JSON.stringify(entry.history),
  });
}

const DECISIONS = ['continue', 'deny', 'approval-stage', 'complete', 'fail', 'none', 'approve', 'auto-approve'] as const;
const STATES: readonly LedgerState[] = ['decided', 'sent', 'confirmed'];
const DECIDERS: readonly DecidedBy[] = ['callout', 'sweeper', 'operator'];

/** A malformed entity (someone else wrote the table, or an older version did): refused whole, never half-read. */
class MalformedEntry extends Error {}

const text = (value: unknown, what: string): string => {
  if (typeof value !== 'string') throw new MalformedEntry(`its ${what} is not text`);
  return value;
};
const optional = (value: unknown, what: string): string | undefined => (value === undefined || value === null ? undefined : text(value, what));
const oneOf = <T extends string>(value: unknown, allowed: readonly T[], what: string): T => {
  if (!allowed.includes(value as T)) throw new MalformedEntry(`its ${what} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  return value as T;
};
const object = (json: string, what: string): Record<string, unknown> => {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedEntry(`its ${what} is not a JSON object`);
  return value as Record<string, unknown>;
};
const iso = (value: unknown, what: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  const time = value instanceof Date ? value.getTime() : Date.parse(text(value, what));
  if (!Number.isFinite(time)) throw new MalformedEntry(`its ${what} is not a time`);
  return new Date(time).toISOString();
};

/** An entity read back, checked property by property; a malformed one throws, naming the property. */
export function entryFrom(entity: TableEntityResult<LedgerEntity>): LedgerEntry {
  try {
    const scopes = optional(entity.policyScopes, 'policyScopes');
    const findings: unknown = JSON.parse(text(entity.findings, 'findings'));
    if (!Array.isArray(findings)) throw new MalformedEntry('its findings are not a list');
    const policyVersion = optional(entity.policyVersion, 'policyVersion');
    const refused = optional(entity.refusedBody, 'refusedBody');
    const history = optional(entity.history, 'history');
    const notes: unknown = history === undefined ? undefined : JSON.parse(history);
    if (notes !== undefined && !Array.isArray(notes)) throw new MalformedEntry('its history is not a list');
    return {
      key: { subject: text(entity.partitionKey, 'PartitionKey'), stageInstance: text(entity.rowKey, 'RowKey') },
      protocol: oneOf(entity.protocol, ['elm', 'lcw', 'pim'] as const, 'protocol'),
      decision: oneOf(entity.decision, DECISIONS, 'decision'),
      detail: text(entity.detail, 'detail'),
      resume: { apiVersion: oneOf(entity.apiVersion, ['v1.0', 'beta', 'answer'] as const, 'apiVersion'), path: text(entity.path, 'path'), body: object(text(entity.body, 'body'), 'body') },
      stage: optional(entity.stage, 'stage'),
      stageInstanceId: optional(entity.stageInstanceId, 'stageInstanceId'),
      policy: policyVersion === undefined ? undefined : { version: policyVersion, scopes: scopes === undefined ? [] : (JSON.parse(scopes) as string[]) },
      findings: findings as BriefFinding[],
      callerAppId: optional(entity.callerAppId, 'callerAppId'),
      decidedBy: oneOf(entity.decidedBy, DECIDERS, 'decidedBy'),
      operator: optional(entity.operator, 'operator'),
      reason: optional(entity.reason, 'reason'),
      subject: {
        catalogId: optional(entity.catalogId, 'catalogId'),
        accessPackageId: optional(entity.accessPackageId, 'accessPackageId'),
        targetObjectId: optional(entity.targetObjectId, 'targetObjectId'),
        requestType: optional(entity.requestType, 'requestType'),
      },
      state: oneOf(entity.state, STATES, 'state'),
      decidedAt: iso(entity.decidedAt, 'decidedAt') ?? '',
      sentAt: iso(entity.sentAt, 'sentAt'),
      confirmedAt: iso(entity.confirmedAt, 'confirmedAt'),
      refusedBody: refused === undefined ? undefined : object(refused, 'refusedBody'),
      ...(notes === undefined ? {} : { history: notes as LedgerNote[] }),
    };
  } catch (error) {
    const why = error instanceof MalformedEntry || error instanceof SyntaxError ? error.message : String(error);
    throw new Error(`the ledger entry ${entity.partitionKey}/${entity.rowKey} is malformed: ${why}`, { cause: error });
  }
}

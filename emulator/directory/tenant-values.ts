import { GUID, isObject } from '../graph/graph-errors.js';

/** A tenant file (or a directory change) that cannot be loaded; the message says where and why. */
export class TenantFileError extends Error {
  override readonly name = 'TenantFileError';
}

export const RISK_LEVELS = ['none', 'low', 'medium', 'high', 'hidden'] as const;
export const RISK_STATES = ['none', 'confirmedSafe', 'remediated', 'dismissed', 'atRisk', 'confirmedCompromised'] as const;
/** What Graph may answer for a request's requestType (v1.0's enum with its evolvable approverRemove, and UserExtend); the emulator keeps its own copy of Graph's values. */
export const REQUEST_TYPES = [
  'notSpecified', 'userAdd', 'userExtend', 'userUpdate', 'userRemove', 'adminAdd', 'adminUpdate', 'adminRemove', 'systemAdd', 'systemUpdate', 'systemRemove', 'onBehalfAdd',
  'approverRemove', 'unknownFutureValue',
] as const;
export const EXPIRATION_TYPES = ['notSpecified', 'noExpiration', 'afterDateTime', 'afterDuration'] as const;
/** Graph's accessPackageAssignmentRequest states a tenant file may start a request in. */
export const REQUEST_STATES = [
  'submitted', 'pendingApproval', 'delivering', 'delivered', 'deliveryFailed', 'denied', 'scheduled', 'canceled', 'partiallyDelivered',
] as const;
/** Text attributes a tenant file may give a user (all optional; Graph answers null for those left out). */
export const USER_TEXT = [
  'mail', 'givenName', 'surname', 'employeeType', 'department', 'companyName', 'jobTitle', 'country', 'usageLocation', 'officeLocation', 'employeeId',
] as const;
export const USER_DATES = ['employeeHireDate', 'employeeLeaveDateTime'] as const;

export type RiskLevel = (typeof RISK_LEVELS)[number];
export type RiskState = (typeof RISK_STATES)[number];
export type RequestType = (typeof REQUEST_TYPES)[number];
export type ExpirationType = (typeof EXPIRATION_TYPES)[number];
export type RequestState = (typeof REQUEST_STATES)[number];

export interface TenantRisk {
  readonly riskLevel: RiskLevel;
  readonly riskState: RiskState;
  readonly riskDetail: string;
  readonly riskLastUpdatedDateTime: string;
}

/** A user as loaded: every attribute present, null when the file leaves it out. */
export type TenantUser = {
  readonly id: string;
  readonly displayName: string;
  readonly userPrincipalName: string;
  readonly userType: 'Member' | 'Guest';
  readonly accountEnabled: boolean;
  /** extensionAttribute1…15 that have a value. */
  readonly onPremisesExtensionAttributes: Readonly<Record<string, string>>;
  readonly manager: string | null;
  readonly sponsors: readonly string[];
  readonly risk: TenantRisk | null;
} & { readonly [K in (typeof USER_TEXT)[number] | (typeof USER_DATES)[number]]: string | null };

/** Graph's entitlementManagementSchedule. */
export interface TenantSchedule {
  readonly startDateTime: string | null;
  readonly expiration: { readonly endDateTime: string | null; readonly duration: string | null; readonly type: ExpirationType };
}

export interface TenantRequest {
  readonly id: string;
  readonly requestType: RequestType;
  readonly justification: string | null;
  readonly schedule: TenantSchedule;
  readonly createdDateTime: string | null;
  /** The access package requested (an id of the tenant's accessPackages). */
  readonly accessPackage: string | null;
  /** The user who asked (an id of the tenant's users). */
  readonly requestor: string | null;
  /** Where the request stands before any callout. */
  readonly state: RequestState;
  /** The user the assignment is for (an id of the tenant's users); null: the requestor for a user* request type, unknown for the others. */
  readonly target: string | null;
  /** The id of the request's assignment; null: none known (the emulator derives one when it knows a target or a policy). */
  readonly assignment: string | null;
  /** The assignment policy the request is under (an id of the tenant's assignmentPolicies). */
  readonly assignmentPolicy: string | null;
  /** The requestor's answers to the policy's questions, in order. */
  readonly answers: readonly RequestAnswer[];
}

/** A requestor's answer to a question of the policy, as the emulator keeps it (Graph answers an accessPackageAnswerString). */
export interface RequestAnswer {
  readonly questionId: string | null;
  readonly questionText: string | null;
  readonly value: string | null;
  readonly displayValue: string | null;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/;
const USER_KEYS = [
  'description', 'id', 'displayName', 'userPrincipalName', 'userType', 'accountEnabled', 'onPremisesExtensionAttributes', 'manager', 'sponsors', 'risk',
  ...USER_TEXT, ...USER_DATES,
];

/** Reads values out of one object of the file, naming `where` (e.g. users[2]) in every complaint. */
export class Fields {
  constructor(
    readonly source: string,
    readonly where: string,
    readonly value: Record<string, unknown>,
  ) {}

  static of(source: string, where: string, value: unknown, allowed: readonly string[]): Fields {
    if (!isObject(value)) throw new TenantFileError(`${source}: ${where} must be a JSON object`);
    const unknown = Object.keys(value).find((key) => !allowed.includes(key));
    if (unknown !== undefined) throw new TenantFileError(`${source}: ${where} has an unknown property "${unknown}" (allowed: ${allowed.join(', ')})`);
    return new Fields(source, where, value);
  }

  fail(key: string, problem: string): never {
    throw new TenantFileError(`${this.source}: ${this.where}.${key} ${problem}`);
  }

  text(key: string, required: true): string;
  text(key: string, required?: false): string | null;
  text(key: string, required = false): string | null {
    const value = this.value[key];
    if (value === undefined || value === null) return required ? this.fail(key, 'is required') : null;
    if (typeof value !== 'string' || value.trim() === '') this.fail(key, `must be a non-empty string, not ${JSON.stringify(value)}`);
    return value;
  }

  guid(key: string, required: true): string;
  guid(key: string, required?: false): string | null;
  guid(key: string, required = false): string | null {
    const value = required ? this.text(key, true) : this.text(key);
    if (value !== null && !GUID.test(value)) this.fail(key, `"${value}" is not a GUID`);
    return value?.toLowerCase() ?? null;
  }

  instant(key: string): string | null {
    const value = this.text(key);
    if (value !== null && (!ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value)))) {
      this.fail(key, `"${value}" is not an ISO 8601 date and time (e.g. 2019-03-01T00:00:00Z)`);
    }
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.value[key];
    if (value === undefined || value === null) return fallback;
    const found = allowed.find((a) => typeof value === 'string' && a.toLowerCase() === value.toLowerCase());
    return found ?? this.fail(key, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }

  /** A list, or [] when the key is left out. */
  list(key: string): unknown[] {
    const value = this.value[key];
    if (value === undefined) return [];
    return Array.isArray(value) ? value : this.fail(key, 'must be a list');
  }

  /** A list of GUIDs (lower-cased, duplicates dropped); `what` says what they are in the complaint. */
  guids(key: string, what: string): string[] {
    const value = this.value[key] ?? [];
    if (!Array.isArray(value)) this.fail(key, `must be a list of ${what}`);
    const ids = (value as unknown[]).map((id, i) => {
      if (typeof id !== 'string' || !GUID.test(id)) throw new TenantFileError(`${this.source}: ${this.where}.${key}[${i}] ${JSON.stringify(id)} is not a GUID`);
      return id.toLowerCase();
    });
    return [...new Set(ids)];
  }

  flag(key: string, fallback: boolean): boolean {
    const value = this.value[key];
    if (value === undefined) return fallback;
    return typeof value === 'boolean' ? value : this.fail(key, `must be true or false, not ${JSON.stringify(value)}`);
  }
}

export function parseRisk(source: string, where: string, value: unknown, now = new Date()): TenantRisk | null {
  if (value === undefined || value === null) return null;
  const f = Fields.of(source, where, value, ['riskLevel', 'riskState', 'riskDetail', 'riskLastUpdatedDateTime']);
  if (f.value['riskLevel'] === undefined) f.fail('riskLevel', 'is required');
  if (f.value['riskState'] === undefined) f.fail('riskState', 'is required');
  return {
    riskLevel: f.oneOf('riskLevel', RISK_LEVELS, 'none'),
    riskState: f.oneOf('riskState', RISK_STATES, 'none'),
    riskDetail: f.text('riskDetail') ?? 'none',
    riskLastUpdatedDateTime: f.instant('riskLastUpdatedDateTime') ?? now.toISOString(),
  };
}

function extensionAttributes(f: Fields): Record<string, string> {
  const raw = f.value['onPremisesExtensionAttributes'];
  if (raw === undefined || raw === null) return {};
  const names = Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`);
  const ext = Fields.of(f.source, `${f.where}.onPremisesExtensionAttributes`, raw, names);
  return Object.fromEntries(names.flatMap((name) => {
    const value = ext.text(name);
    return value === null ? [] : [[name, value]];
  }));
}

/** One user of the file; references (manager, sponsors) are checked by the caller, which knows the others. */
export function parseUser(source: string, where: string, value: unknown): TenantUser {
  const f = Fields.of(source, where, value, USER_KEYS);
  const usageLocation = f.text('usageLocation');
  if (usageLocation !== null && !/^[A-Z]{2}$/.test(usageLocation)) f.fail('usageLocation', `"${usageLocation}" is not a two-letter country code (ISO 3166-1, e.g. SE)`);
  const sponsorIds = f.guids('sponsors', 'user ids');
  const texts = Object.fromEntries(USER_TEXT.map((key) => [key, f.text(key)])) as Record<(typeof USER_TEXT)[number], string | null>;
  const dates = Object.fromEntries(USER_DATES.map((key) => [key, f.instant(key)])) as Record<(typeof USER_DATES)[number], string | null>;
  const user: TenantUser = {
    id: f.guid('id', true),
    displayName: f.text('displayName', true),
    userPrincipalName: f.text('userPrincipalName', true),
    userType: f.oneOf('userType', ['Member', 'Guest'] as const, 'Member'),
    accountEnabled: f.flag('accountEnabled', true),
    onPremisesExtensionAttributes: extensionAttributes(f),
    manager: f.guid('manager'),
    sponsors: sponsorIds,
    risk: parseRisk(source, `${where}.risk`, f.value['risk']),
    ...texts,
    ...dates,
  };
  if (!user.userPrincipalName.includes('@')) f.fail('userPrincipalName', `"${user.userPrincipalName}" is not of the form name@domain`);
  if (user.manager === user.id) f.fail('manager', 'is the user itself');
  if (user.sponsors.includes(user.id)) f.fail('sponsors', 'names the user itself');
  return user;
}

/** Checks that the manager and sponsors of each user are users of the same tenant. */
export function referenceProblem(user: TenantUser, exists: (id: string) => boolean): string | undefined {
  if (user.manager !== null && !exists(user.manager)) return `manager "${user.manager}" is not the id of a user in the tenant`;
  const sponsor = user.sponsors.find((id) => !exists(id));
  return sponsor === undefined ? undefined : `sponsors: "${sponsor}" is not the id of a user in the tenant`;
}

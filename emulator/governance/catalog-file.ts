import { approvalStageProblem } from './approval-stage-rules.js';
import { isObject } from '../graph/graph-errors.js';
import type { TenantAccessPackage } from './governance-values.js';
import { Fields, TenantFileError } from '../directory/tenant-values.js';

/** The tenant file's sections for registering extensions: catalogs and the assignment policies of their packages. */
export const CATALOG_SECTIONS = ['catalogs', 'assignmentPolicies'] as const;

export interface TenantCatalog {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
}

/** An accessPackageAssignmentApprovalSettings (v1.0); the stages are accessPackageApprovalStage objects as Graph gives them. */
export interface TenantApprovalSettings {
  readonly isApprovalRequiredForAdd: boolean;
  readonly isApprovalRequiredForUpdate: boolean;
  readonly isRequestorJustificationRequired: boolean;
  readonly stages: readonly Readonly<Record<string, unknown>>[];
}

/** An assignment policy of an access package; no custom extension is seeded (the register command adds them). */
export interface TenantAssignmentPolicy {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly accessPackage: string;
  readonly catalog: string;
  readonly requestApprovalSettings: TenantApprovalSettings;
}

export interface TenantCatalogs {
  /** The file's catalogs and those its access packages name. */
  readonly catalogs: readonly TenantCatalog[];
  readonly assignmentPolicies: readonly TenantAssignmentPolicy[];
}

export const NO_APPROVAL: TenantApprovalSettings = { isApprovalRequiredForAdd: false, isApprovalRequiredForUpdate: false, isRequestorJustificationRequired: false, stages: [] };
const STAGE_TYPE = '#microsoft.graph.accessPackageApprovalStage';

function parseCatalog(source: string, where: string, raw: unknown): TenantCatalog {
  const f = Fields.of(source, where, raw, ['description', 'id', 'displayName']);
  return { id: f.guid('id', true), displayName: f.text('displayName', true), description: f.text('description') };
}

function parseApproval(source: string, where: string, raw: unknown): TenantApprovalSettings {
  if (raw === undefined || raw === null) return NO_APPROVAL;
  const f = Fields.of(source, where, raw, ['isApprovalRequiredForAdd', 'isApprovalRequiredForUpdate', 'isRequestorJustificationRequired', 'stages']);
  const stages = f.list('stages').map((stage, i) => {
    const plain = isObject(stage) && stage['@odata.type'] === STAGE_TYPE ? Object.fromEntries(Object.entries(stage).filter(([key]) => key !== '@odata.type')) : stage;
    const problem = approvalStageProblem(plain);
    if (problem !== undefined) throw new TenantFileError(`${source}: ${where}.stages[${i}]: ${problem.replace(/^approvalStage\.?/, '')}`);
    return plain as Record<string, unknown>;
  });
  const required = f.flag('isApprovalRequiredForAdd', stages.length > 0);
  if (required !== stages.length > 0) f.fail('isApprovalRequiredForAdd', required ? 'is true but no approval stage is given' : 'is false but approval stages are given');
  return { isApprovalRequiredForAdd: required, isApprovalRequiredForUpdate: f.flag('isApprovalRequiredForUpdate', false), isRequestorJustificationRequired: f.flag('isRequestorJustificationRequired', false), stages };
}

function parsePolicy(source: string, where: string, raw: unknown): TenantAssignmentPolicy {
  const f = Fields.of(source, where, raw, ['description', 'id', 'displayName', 'accessPackage', 'catalog', 'customExtensionStageSettings', 'requestApprovalSettings']);
  if (f.list('customExtensionStageSettings').length > 0) f.fail('customExtensionStageSettings', 'must be empty: the tenant file seeds no custom extension to attach');
  return {
    id: f.guid('id', true),
    displayName: f.text('displayName', true),
    description: f.text('description'),
    accessPackage: f.guid('accessPackage', true),
    catalog: f.guid('catalog', true),
    requestApprovalSettings: parseApproval(source, `${where}.requestApprovalSettings`, f.value['requestApprovalSettings']),
  };
}

function unique(source: string, key: string, items: readonly { readonly id: string }[]): void {
  const seen = new Map<string, number>();
  for (const [i, item] of items.entries()) {
    const same = seen.get(item.id);
    if (same !== undefined) throw new TenantFileError(`${source}: ${key}[${i}].id "${item.id}" is already the id of ${key}[${same}]`);
    seen.set(item.id, i);
  }
}

/**
 * The catalogs and assignment policies of a tenant file, validated: ids are GUIDs and unique, a
 * catalog named both here and on an access package has one display name, and each policy's
 * package exists and lives in the policy's catalog.
 */
export function parseCatalogSections(f: Fields, accessPackages: readonly TenantAccessPackage[]): TenantCatalogs {
  const { source } = f;
  const listed = f.list('catalogs').map((raw, i) => parseCatalog(source, `catalogs[${i}]`, raw));
  unique(source, 'catalogs', listed);
  const catalogs = new Map(listed.map((c) => [c.id, c]));
  for (const pkg of accessPackages) {
    if (pkg.catalog === null) continue;
    const known = catalogs.get(pkg.catalog.id);
    if (known === undefined) catalogs.set(pkg.catalog.id, { ...pkg.catalog, description: null });
    else if (known.displayName !== pkg.catalog.displayName) {
      throw new TenantFileError(`${source}: access package ${pkg.id} names catalog ${known.id} "${pkg.catalog.displayName}", but catalogs calls it "${known.displayName}"`);
    }
  }
  const packages = new Map(accessPackages.map((p) => [p.id, p]));
  const assignmentPolicies = f.list('assignmentPolicies').map((raw, i) => {
    const where = `assignmentPolicies[${i}]`;
    const policy = parsePolicy(source, where, raw);
    const pkg = packages.get(policy.accessPackage);
    if (pkg === undefined) throw new TenantFileError(`${source}: ${where}.accessPackage "${policy.accessPackage}" is not the id of an access package in the tenant`);
    if (!catalogs.has(policy.catalog)) throw new TenantFileError(`${source}: ${where}.catalog "${policy.catalog}" is not the id of a catalog in the tenant`);
    if (pkg.catalog !== null && pkg.catalog.id !== policy.catalog) throw new TenantFileError(`${source}: ${where}.catalog "${policy.catalog}" is not the catalog of access package ${pkg.id} (${pkg.catalog.id})`);
    return policy;
  });
  unique(source, 'assignmentPolicies', assignmentPolicies);
  return { catalogs: [...catalogs.values()], assignmentPolicies };
}

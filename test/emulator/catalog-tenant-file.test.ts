// The tenant file's catalogs and assignmentPolicies: the sample's seeds, and what the loader refuses, naming file and place.
import { describe, expect, test } from 'vitest';
import { parseTenant, readTenantFile, SAMPLE_TENANT_FILE, TenantFileError } from '../../emulator/index.js';

const A = '11111111-1111-4111-8111-111111111111';
const CAT = '26803898-8c26-4ca8-ba50-15552ecd4c9d';
const OTHER_CAT = '77777777-7777-4777-8777-777777777777';
const PKG = '66666666-6666-4666-8666-666666666666';
const POLICY = '88888888-8888-4888-8888-888888888888';
const UNKNOWN = '99999999-9999-4999-8999-999999999999';

const policy = (change: Record<string, unknown> = {}) => ({ id: POLICY, displayName: 'Employees', accessPackage: PKG, catalog: CAT, ...change });
const tenant = (change: Record<string, unknown> = {}) => ({
  users: [{ id: A, displayName: 'Avery', userPrincipalName: 'avery@contoso.example' }],
  accessPackages: [{ id: PKG, displayName: 'Approver', catalog: { id: CAT, displayName: 'Finance' } }],
  catalogs: [{ id: CAT, displayName: 'Finance' }, { id: OTHER_CAT, displayName: 'Sales' }],
  assignmentPolicies: [policy()],
  ...change,
});
const rejects = (value: unknown, message: string) => {
  expect(() => parseTenant(value, 'test tenant')).toThrow(TenantFileError);
  expect(() => parseTenant(value, 'test tenant')).toThrow(message);
};
const manager = { durationBeforeAutomaticDenial: 'P7D', primaryApprovers: [{ '@odata.type': '#microsoft.graph.requestorManager', managerLevel: 1 }] };

describe('the sample tenant', () => {
  test('seeds the Finance catalog and the Employees policy of Payments - Approver, with no extension and a manager stage', () => {
    const sample = readTenantFile(SAMPLE_TENANT_FILE);
    expect(sample.catalogs).toEqual([{ id: CAT, displayName: 'Finance', description: expect.any(String) as unknown }]);
    expect(sample.assignmentPolicies).toEqual([
      expect.objectContaining({
        id: '94f213d6-cfa4-4bda-86f9-6bb659b87cb0', displayName: 'Employees', accessPackage: '97979783-38c5-40ae-b74e-404935a04ffd', catalog: CAT,
        requestApprovalSettings: expect.objectContaining({ isApprovalRequiredForAdd: true, stages: [expect.objectContaining({ durationBeforeAutomaticDenial: 'P7D' })] }) as unknown,
      }),
    ]);
  });
});

describe('catalogs and assignment policies', () => {
  test('are optional; the catalogs access packages name are catalogs too', () => {
    const parsed = parseTenant(tenant({ catalogs: undefined, assignmentPolicies: undefined }));
    expect(parsed.catalogs).toEqual([{ id: CAT, displayName: 'Finance', description: null }]);
    expect(parsed.assignmentPolicies).toEqual([]);
  });

  test('a policy without approval settings has none; ids are lower-cased', () => {
    const parsed = parseTenant(tenant({ assignmentPolicies: [policy({ id: POLICY.toUpperCase() })] }));
    expect(parsed.assignmentPolicies[0]).toEqual({
      id: POLICY, displayName: 'Employees', description: null, accessPackage: PKG, catalog: CAT,
      requestApprovalSettings: { isApprovalRequiredForAdd: false, isApprovalRequiredForUpdate: false, isRequestorJustificationRequired: false, stages: [] },
    });
  });

  test.each([
    ['an unknown property', { assignmentPolicies: [policy({ stages: [] })] }, 'test tenant: assignmentPolicies[0] has an unknown property "stages"'],
    ['a policy id that is not a GUID', { assignmentPolicies: [policy({ id: 'employees' })] }, 'assignmentPolicies[0].id "employees" is not a GUID'],
    ['two policies of one id', { assignmentPolicies: [policy(), policy()] }, 'assignmentPolicies[1].id "88888888-8888-4888-8888-888888888888" is already the id of assignmentPolicies[0]'],
    ['two catalogs of one id', { catalogs: [{ id: CAT, displayName: 'Finance' }, { id: CAT, displayName: 'Finance' }] }, 'catalogs[1].id "26803898-8c26-4ca8-ba50-15552ecd4c9d" is already the id of catalogs[0]'],
    ['an unknown access package', { assignmentPolicies: [policy({ accessPackage: UNKNOWN })] }, `assignmentPolicies[0].accessPackage "${UNKNOWN}" is not the id of an access package in the tenant`],
    ['an unknown catalog', { assignmentPolicies: [policy({ catalog: UNKNOWN })] }, `assignmentPolicies[0].catalog "${UNKNOWN}" is not the id of a catalog in the tenant`],
    ['a catalog that is not the package\'s', { assignmentPolicies: [policy({ catalog: OTHER_CAT })] }, `assignmentPolicies[0].catalog "${OTHER_CAT}" is not the catalog of access package ${PKG} (${CAT})`],
    ['a seeded stage setting', { assignmentPolicies: [policy({ customExtensionStageSettings: [{ stage: 'assignmentRequestCreated' }] })] }, 'customExtensionStageSettings must be empty'],
    ['a catalog called two names', { catalogs: [{ id: CAT, displayName: 'Money' }] }, `access package ${PKG} names catalog ${CAT} "Finance", but catalogs calls it "Money"`],
    ['an approval stage without approvers', { assignmentPolicies: [policy({ requestApprovalSettings: { stages: [{ durationBeforeAutomaticDenial: 'P7D' }] } })] }, 'requestApprovalSettings.stages[0]: primaryApprovers must name at least one approver'],
    ['approval required without a stage', { assignmentPolicies: [policy({ requestApprovalSettings: { isApprovalRequiredForAdd: true } })] }, 'isApprovalRequiredForAdd is true but no approval stage is given'],
    ['stages without approval', { assignmentPolicies: [policy({ requestApprovalSettings: { isApprovalRequiredForAdd: false, stages: [manager] } })] }, 'isApprovalRequiredForAdd is false but approval stages are given'],
  ])('refuses %s', (_, change, message) => {
    rejects(tenant(change), message);
  });

  test('takes a stage typed as accessPackageApprovalStage, and keeps it without the type', () => {
    const parsed = parseTenant(tenant({ assignmentPolicies: [policy({ requestApprovalSettings: { stages: [{ '@odata.type': '#microsoft.graph.accessPackageApprovalStage', ...manager }] } })] }));
    expect(parsed.assignmentPolicies[0]?.requestApprovalSettings).toEqual({ isApprovalRequiredForAdd: true, isApprovalRequiredForUpdate: false, isRequestorJustificationRequired: false, stages: [manager] });
  });
});

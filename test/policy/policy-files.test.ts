import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CHECK_LIST } from '../../src/checks/index.js';
import { AppError } from '../../src/errors.js';
import { buildPolicySchema } from '../../src/policy/policy-schema.js';
import { defaultPolicyPath, readPolicyFile } from '../../src/policy/read-policy-file.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const options = { checks: CHECK_LIST, allowDenyAtApprovedStage: false };

describe('the policy files shipped with the app', () => {
  it('policy/policy.schema.json is what `npm run schema` writes from the registry', () => {
    expect(read('policy/policy.schema.json')).toBe(`${JSON.stringify(buildPolicySchema(CHECK_LIST), null, 2)}\n`);
  });

  it.each(['policy/policy.json', 'policy/sample.policy.json'])('%s validates against the published schema, as an editor sees it', (path) => {
    const validate = new Ajv({ strict: false, allowUnionTypes: true }).compile(JSON.parse(read('policy/policy.schema.json')) as object);
    expect(validate(JSON.parse(read(path))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the deployed default is policy/policy.json next to package.json, and has no scope', () => {
    expect(defaultPolicyPath()).toBe(new URL('policy/policy.json', root).pathname);
    const policy = readPolicyFile(undefined, options);
    expect(policy.scopes).toEqual([]);
    expect(policy.version).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('the sample loads, with every built-in check in use and an approver strategy', () => {
    const policy = readPolicyFile(new URL('policy/sample.policy.json', root).pathname, options);
    const used = new Set(policy.scopes.flatMap((s) => s.checks.map((c) => c.check.id)));
    expect([...used].sort()).toEqual(CHECK_LIST.map((c) => c.id).sort());
    expect(policy.scopes.some((s) => s.approvers !== undefined)).toBe(true);
  });

  it('a POLICY_PATH that does not exist stops start-up naming the file and the setting', () => {
    const attempt = () => readPolicyFile('/nonexistent/policy.json', options);
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(/Policy \/nonexistent\/policy\.json cannot be read \(ENOENT\); set POLICY_PATH/);
  });
});

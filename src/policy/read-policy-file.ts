import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';
import { loadPolicy, type PolicyLoadOptions } from './load-policy.js';
import type { Policy } from './policy-types.js';

/** Largest policy document read: far above any real one, small enough to keep start-up fast. */
const MAX_POLICY_BYTES = 1024 * 1024;

/** The policy deployed with the app: `policy/policy.json` next to the package.json above this module. */
export function defaultPolicyPath(from = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'policy', 'policy.json');
    if (dirname(dir) === dir) return resolve('policy', 'policy.json');
  }
}

/** Reads POLICY_PATH (or the deployed default) at start-up; any problem is CONFIG.INVALID. */
export function readPolicyFile(path: string | undefined, options: PolicyLoadOptions): Policy {
  const file = path ?? defaultPolicyPath();
  let text: string;
  try {
    if (statSync(file).size > MAX_POLICY_BYTES) {
      throw new AppError('CONFIG.INVALID', `Policy ${file} is larger than ${MAX_POLICY_BYTES} bytes.`);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new AppError('CONFIG.INVALID', `Policy ${file} cannot be read (${typeof code === 'string' ? code : 'error'}); set POLICY_PATH to the policy document.`, { cause: error });
  }
  return loadPolicy(text, file, options);
}

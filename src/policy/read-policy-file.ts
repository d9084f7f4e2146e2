import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';
import { FileRefused, readBoundedFile } from '../read-bounded-file.js';
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

/**
 * Reads POLICY_PATH (or the deployed default) at start-up, and the what-if and scan commands'
 * --policy: a regular file of at most MAX_POLICY_BYTES; any problem is CONFIG.INVALID.
 */
export function readPolicyFile(path: string | undefined, options: PolicyLoadOptions): Policy {
  const file = path ?? defaultPolicyPath();
  let text: string;
  try {
    text = readBoundedFile(file, MAX_POLICY_BYTES).toString('utf8');
  } catch (error) {
    if (!(error instanceof FileRefused)) throw error;
    const hint = error.reason === 'too-large' ? '.' : '; set POLICY_PATH to the policy document.';
    throw new AppError('CONFIG.INVALID', `Policy ${file} ${error.problem}${hint}`, { cause: error });
  }
  return loadPolicy(text, file, options);
}

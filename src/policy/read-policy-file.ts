import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';
import { FileRefused, readBoundedFile } from '../read-bounded-file.js';
import { loadPolicy, type PolicyLoadOptions } from './load-policy.js';
import type { Policy } from './policy-types.js';

/** Largest policy document read: far above any real one, small enough to keep start-up fast. */
const MAX_POLICY_BYTES = 1024 * 1024;

/**
 * Where the path of a policy came from: a command's `--policy`, the POLICY_PATH setting, or
 * neither (the command's default). Messages name it, so a mistake points at what to change.
 */
export type PolicyOrigin = '--policy' | 'POLICY_PATH' | 'default';

/** The policy deployed with the app: `policy/policy.json` next to the package.json above this module. */
export function defaultPolicyPath(from = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'policy', 'policy.json');
    if (dirname(dir) === dir) return resolve('policy', 'policy.json');
  }
}

/** A path as a person typed it: relative to the working directory when it is under it. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, resolve(cwd, path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(cwd, path);
}

/** The line a command prints to say which policy it applies and why, e.g. `policy: policy/policy.json (default: POLICY_PATH is not set)`. */
export function policyLine(path: string, origin: PolicyOrigin, defaultWhy = 'the default'): string {
  const why = origin === 'default' ? defaultWhy : origin;
  return `policy: ${displayPath(path)} (${why})`;
}

function refusal(file: string, error: FileRefused, origin: PolicyOrigin): string {
  if (origin === '--policy') {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return `--policy ${file}: ${code === 'ENOENT' ? 'no such file' : error.problem}`;
  }
  const hint = error.reason === 'too-large' ? '.' : '; set POLICY_PATH to the policy document.';
  return `Policy ${file} ${error.problem}${hint}`;
}

/**
 * Reads POLICY_PATH (or the deployed default) at start-up, and the what-if and scan commands'
 * --policy: a regular file of at most MAX_POLICY_BYTES; any problem is CONFIG.INVALID, worded for
 * where the path came from (`origin`: POLICY_PATH unless told, the default when there is no path).
 */
export function readPolicyFile(path: string | undefined, options: PolicyLoadOptions, origin: PolicyOrigin = path === undefined ? 'default' : 'POLICY_PATH'): Policy {
  const file = path ?? defaultPolicyPath();
  let text: string;
  try {
    text = readBoundedFile(file, MAX_POLICY_BYTES).toString('utf8');
  } catch (error) {
    if (!(error instanceof FileRefused)) throw error;
    throw new AppError('CONFIG.INVALID', refusal(file, error, origin), { cause: error });
  }
  return loadPolicy(text, file, options);
}

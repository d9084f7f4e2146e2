import type { Check } from './define-check.js';
import riskyUser from './risky-user.js';

/**
 * Every built-in check, sorted by id. File name = id = key. No directory scanning and no
 * dynamic import: start-up is predictable and the bundle knows every module.
 */
export const CHECKS: Readonly<Record<string, Check>> = {
  'risky-user': riskyUser,
};

export const CHECK_LIST: readonly Check[] = Object.values(CHECKS);

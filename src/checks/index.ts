import activationWindow from './activation-window.js';
import type { Check } from './define-check.js';
import justification from './justification.js';
import managerOrSponsor from './manager-or-sponsor.js';
import maxDuration from './max-duration.js';
import riskyUser from './risky-user.js';
import separationOfDuties from './separation-of-duties.js';
import userAttributes from './user-attributes.js';

/**
 * Every built-in check, sorted by id. File name = id = key. No directory scanning and no
 * dynamic import: start-up is predictable and the bundle knows every module.
 */
export const CHECKS: Readonly<Record<string, Check>> = {
  'activation-window': activationWindow,
  justification,
  'manager-or-sponsor': managerOrSponsor,
  'max-duration': maxDuration,
  'risky-user': riskyUser,
  'separation-of-duties': separationOfDuties,
  'user-attributes': userAttributes,
};

export const CHECK_LIST: readonly Check[] = Object.values(CHECKS);

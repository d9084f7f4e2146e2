import { displayPath, type PolicyOrigin } from '../policy/read-policy-file.js';

/** Where a what-if read from and which policy it applied, for both output forms. */
export interface WhatIfContext {
  readonly source:
    | { readonly kind: 'emulator'; readonly tenantFile: string; readonly graph: string }
    | { readonly kind: 'live'; readonly tenantId: string; readonly graph: string };
  /** The policy file as read. */
  readonly policyFile: string;
  /** Where its path came from (`--policy`, POLICY_PATH, or the default), said next to it. */
  readonly policyOrigin?: PolicyOrigin;
}

/** The policy file as printed, and where its path came from: `policy/sample.policy.json (--policy; `. */
export function policyText(context: WhatIfContext): string {
  const origin = context.policyOrigin === 'default' ? 'the default: no --policy, no POLICY_PATH' : context.policyOrigin;
  return `${displayPath(context.policyFile)} (${origin === undefined ? '' : `${origin}; `}`;
}

/**
 * What a what-if cannot know, said once for both output forms: there is no request, so nothing
 * about it is read, and the checks that judge it are shown as not run rather than guessed.
 */
export const ABSENT_REQUEST_NOTE =
  'A what-if makes no request: the callout names a made-up request id, so the request read (its justification and schedule) answers 404, ' +
  'no questions are answered, and the user\'s real pending requests all count. The checks that read the request could not run; ' +
  'they are shown but not counted: a real request passes or fails them on its own justification and schedule.';

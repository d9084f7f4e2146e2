import { defineCheck } from './define-check.js';

interface Options {
  readonly membersNeedManager: boolean;
  readonly guestsNeedSponsor: boolean;
  readonly guestManagerSuffices: boolean;
}

const DEFAULTS: Options = { membersNeedManager: true, guestsNeedSponsor: true, guestManagerSuffices: false };

export default defineCheck({
  id: 'manager-or-sponsor',
  description: 'Fails when a member has no manager in the directory, or a guest has no sponsor: somebody must answer for the account.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      membersNeedManager: { type: 'boolean', description: 'Whether a member (userType Member, or none) must have a manager.' },
      guestsNeedSponsor: { type: 'boolean', description: 'Whether a guest (userType Guest) must have at least one sponsor.' },
      guestManagerSuffices: { type: 'boolean', description: 'Whether a guest with a manager but no sponsor passes.' },
    },
  },
  defaultOptions: DEFAULTS,
  needs: ['targetUser', 'targetManager', 'targetSponsors'],
  appliesTo: ['elm-request', 'elm-assignment', 'lcw-task'],
  severity: 'medium',
  messages: {
    noManager: 'The user has no manager in the directory; members need one.',
    noSponsor: 'The guest has no sponsor; guests need one.',
    noSponsorOrManager: 'The guest has neither a sponsor nor a manager; guests need one of them.',
  },
  evaluate(_callout, { targetUser, targetManager, targetSponsors }, options) {
    const guest = targetUser.userType?.toLowerCase() === 'guest';
    const evidence = { treatedAs: guest ? 'guest' : 'member', managerId: targetManager?.id ?? null, sponsors: targetSponsors.length };
    if (!guest) return options.membersNeedManager && targetManager === null ? [{ messageId: 'noManager', evidence }] : [];
    if (!options.guestsNeedSponsor || targetSponsors.length > 0) return [];
    if (!options.guestManagerSuffices) return [{ messageId: 'noSponsor', evidence }];
    return targetManager === null ? [{ messageId: 'noSponsorOrManager', evidence }] : [];
  },
});

import { defineCheck } from './define-check.js';

const LEVELS = ['none', 'low', 'medium', 'high'] as const;
type Level = (typeof LEVELS)[number];

interface Options {
  readonly maxRiskLevel: Level;
  readonly failConfirmedCompromised: boolean;
  readonly failHiddenRisk: boolean;
}

/** States in which Identity Protection no longer holds the user at risk, whatever the level says. */
const CLEARED = new Set(['none', 'confirmedsafe', 'remediated', 'dismissed']);

const DEFAULTS: Options = { maxRiskLevel: 'low', failConfirmedCompromised: true, failHiddenRisk: true };

export default defineCheck({
  id: 'risky-user',
  description: "Fails when Identity Protection holds the target user at a risk level above the one accepted, or has confirmed the account compromised.",
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxRiskLevel: { enum: LEVELS, description: 'Highest risk level accepted while the user is at risk (none accepts no risk at all).' },
      failConfirmedCompromised: { type: 'boolean', description: 'Whether a user whose risk state is confirmedCompromised always fails, whatever its level.' },
      failHiddenRisk: { type: 'boolean', description: 'Whether a risk level of hidden (Identity Protection without Entra ID P2 licences) fails.' },
    },
  },
  defaultOptions: DEFAULTS,
  needs: ['riskState'],
  appliesTo: ['elm-request', 'elm-assignment', 'lcw-task', 'pim-activation'],
  severity: 'high',
  messages: {
    compromised: 'Identity Protection has confirmed this account compromised.',
    riskTooHigh: 'The user is at {{level}} risk ({{state}}); at most {{max}} is accepted.',
    riskHidden: 'The user is at risk but the level is hidden (Entra ID P2 is needed to see it).',
  },
  evaluate(_callout, { riskState }, options) {
    const state = riskState.riskState.toLowerCase();
    const evidence = { riskLevel: riskState.riskLevel, riskState: riskState.riskState, riskDetail: riskState.riskDetail, riskLastUpdatedDateTime: riskState.riskLastUpdatedDateTime };
    if (state === 'confirmedcompromised' && options.failConfirmedCompromised) {
      return [{ messageId: 'compromised', severity: 'critical', evidence }];
    }
    if (CLEARED.has(state)) return [];
    const level = riskState.riskLevel.toLowerCase();
    if (level === 'hidden') return options.failHiddenRisk ? [{ messageId: 'riskHidden', evidence }] : [];
    const rank = LEVELS.indexOf(level as Level);
    if (rank === -1) return [];
    return rank > LEVELS.indexOf(options.maxRiskLevel)
      ? [{ messageId: 'riskTooHigh', data: { level, state: riskState.riskState, max: options.maxRiskLevel }, evidence }]
      : [];
  },
});

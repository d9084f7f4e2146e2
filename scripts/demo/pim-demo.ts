import type { PimActivationRequest, PimActivationResult, TenantEmulator } from '../../emulator/index.js';

/** The deadline the demo's host gets (PIM_DEADLINE_MS), short so the slow-Graph activation does not hold the demo up for 9 s. */
export const DEMO_PIM_DEADLINE_MS = 3000;

const AVERY = 'a7529cd7-a86d-4455-8c43-00e7495481b0';
const ROWAN = '3727fd38-c06b-42a6-b984-0344779555f6'; // holds Payments - Approver
const ON_CALL_ADMIN = '8f438381-eb0e-40f7-830d-cc083624f32e'; // in On-call Responders
const USER_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const HELPDESK_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const PAYMENT_APPROVERS = '1a2b3c4d-0001-4000-8000-00000000a001';
/** A Tuesday 10:00 UTC (11:00 in Amsterdam, inside the sample policy's window) and a Saturday 02:00 UTC (outside it), years ahead so the demo does not depend on today. */
const TUESDAY = '2031-01-07T10:00:00Z';
const SATURDAY_NIGHT = '2031-01-11T02:00:00Z';
const TICKET = { ticketNumber: 'CHG0012401', ticketSystem: 'ServiceNow' };

export interface DemoActivation {
  readonly name: string;
  readonly request: PimActivationRequest;
  /** What PIM should get, and the check its first reason names. */
  readonly expect: { readonly outcome: PimActivationResult['outcome']; readonly reason: RegExp };
  /** Graph made slower than the host's deadline for this activation alone. */
  readonly slowGraph?: boolean;
}

/** The activations `npm run demo` sends through the emulator playing PIM, on policy/sample.policy.json. */
export function demoActivations(): readonly DemoActivation[] {
  const role = (principalId: string, roleDefinitionId: string, startDateTime: string, justification = 'Month-end close, change CHG0012401.'): PimActivationRequest => ({
    kind: 'entraRole', principalId, roleDefinitionId, startDateTime, duration: 'PT4H', justification, ticket: TICKET,
  });
  return [
    {
      name: 'entra role, clean (Avery, Helpdesk Administrator)',
      request: role(AVERY, HELPDESK_ADMINISTRATOR, TUESDAY),
      expect: { outcome: 'Approved', reason: /^Not auto-approved: \[activation-window\]/ },
    },
    {
      name: 'entra role, SoD conflict (Rowan, User Administrator)',
      request: role(ROWAN, USER_ADMINISTRATOR, TUESDAY),
      expect: { outcome: 'Denied', reason: /^\[separation-of-duties\] SOD-002/ },
    },
    {
      name: 'entra role, outside the window (Avery, Saturday night)',
      request: role(AVERY, HELPDESK_ADMINISTRATOR, SATURDAY_NIGHT),
      expect: { outcome: 'Denied', reason: /^\[activation-window\] sat 03:00 Europe\/Amsterdam is outside/ },
    },
    {
      name: 'entra role, on call (Saturday night)',
      request: role(ON_CALL_ADMIN, HELPDESK_ADMINISTRATOR, SATURDAY_NIGHT),
      expect: { outcome: 'AutoApproved', reason: /^AutoApproved by on-call-auto-approve\./ },
    },
    {
      name: 'group member, clean (Avery, Payment Approvers)',
      request: { kind: 'group', principalId: AVERY, groupId: PAYMENT_APPROVERS, accessId: 'member', startDateTime: TUESDAY, duration: 'PT4H', justification: 'Approve the payment run, change CHG0012401.', ticket: TICKET },
      expect: { outcome: 'Approved', reason: /^All 5 checks passed/ },
    },
    {
      name: 'entra role, Graph slower than the deadline (fail mode deny)',
      request: role(AVERY, HELPDESK_ADMINISTRATOR, TUESDAY),
      expect: { outcome: 'Denied', reason: /could not be read \(not back from Graph before the deadline\)/ },
      slowGraph: true,
    },
  ];
}

export interface ActivationRow {
  readonly activation: DemoActivation;
  readonly result: PimActivationResult;
  readonly ok: boolean;
}

/** Plays PIM for each demo activation against the host's `POST /api/pim`. */
export async function runActivations(emulator: TenantEmulator, hostUrl: string): Promise<ActivationRow[]> {
  const rows: ActivationRow[] = [];
  for (const activation of demoActivations()) {
    if (activation.slowGraph === true) emulator.faults.add({ service: 'graph', path: '/identityProtection/riskyUsers/', times: Infinity, action: { delayMs: DEMO_PIM_DEADLINE_MS + 2000 } });
    try {
      const result = await emulator.activate(activation.request, { targetUrl: `${hostUrl}/api/pim` });
      const ok = result.outcome === activation.expect.outcome && activation.expect.reason.test(result.reasons[0] ?? '');
      rows.push({ activation, result, ok });
    } finally {
      emulator.faults.clear();
    }
  }
  return rows;
}

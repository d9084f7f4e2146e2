/**
 * The answer PIM takes from its custom extension (Microsoft's how-to, "Response model"):
 * `{ evaluationId: string, evaluationOutcome: "Approved" | "AutoApproved" | "Denied", reason: string[] }`.
 * Approved: PIM's own workflow (approvals) goes on; AutoApproved: no manual approval; Denied: the
 * activation is blocked and the reasons are shown to the user.
 */
export const EVALUATION_OUTCOMES = ['Approved', 'AutoApproved', 'Denied'] as const;
export type EvaluationOutcome = (typeof EVALUATION_OUTCOMES)[number];

export interface PimEvaluation {
  readonly evaluationId: string;
  readonly evaluationOutcome: EvaluationOutcome;
  readonly reason: readonly string[];
}

/** The evaluation in a 200 answer's text, or what is wrong with it (in a few words). */
export function readEvaluation(text: string): PimEvaluation | { readonly problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    return { problem: 'the answer is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { problem: 'the answer is not a JSON object' };
  const { evaluationId, evaluationOutcome, reason } = json as Record<string, unknown>;
  if (typeof evaluationId !== 'string' || evaluationId.trim() === '') return { problem: 'evaluationId is missing or not a string' };
  const outcome = EVALUATION_OUTCOMES.find((o) => o === evaluationOutcome);
  if (outcome === undefined) return { problem: `evaluationOutcome ${JSON.stringify(evaluationOutcome ?? null)} is not ${EVALUATION_OUTCOMES.join(', ')}` };
  if (!Array.isArray(reason) || !reason.every((r) => typeof r === 'string')) return { problem: 'reason is not a list of strings' };
  return { evaluationId, evaluationOutcome: outcome, reason };
}

import type { Conflict, Exemption, Holding, HoldingSource, Rule } from './sod-model.js';

/** Items shown per side in evidence; the count says how many there were. */
const EVIDENCE_ITEMS = 20;

function entitlementName(rule: Rule, holding: Holding): string {
  for (const side of rule.sides) {
    const named = side.entitlements.find((e) => e.key === holding.key)?.displayName;
    if (named !== undefined) return named;
  }
  return holding.displayName ?? holding.key.slice(holding.key.indexOf(':') + 1);
}

/** How a person reads where a holding comes from. */
export function sourceText(source: HoldingSource): string {
  switch (source.via) {
    case 'assignment':
      return `assignment ${source.assignmentId} (${source.state})`;
    case 'pendingRequest':
      return `pending request ${source.requestId} (${source.state})`;
    case 'requestedPackage':
      return source.role === undefined ? 'this request' : `granted by the requested package (${source.role})`;
    case 'groupMembership':
      return source.membership === 'direct' ? 'direct member' : 'nested member';
    case 'directoryRole':
      return `${source.assignment} role assignment ${source.id}${source.directoryScopeId === '/' ? '' : ` at ${source.directoryScopeId}`}${source.until === undefined ? '' : ` until ${source.until}`}`;
    case 'appRoleAssignment':
      return source.principal === undefined ? `app role assignment ${source.assignmentId}` : `app role assignment ${source.assignmentId} of group ${source.principal}`;
    case 'pimActivation':
      return `this activation${source.access === undefined ? '' : ` (${source.access})`}${source.directoryScopeId === undefined || source.directoryScopeId === '/' ? '' : ` at ${source.directoryScopeId}`}${source.scope === undefined ? '' : ` at ${source.scope}`}`;
  }
}

/** A short tag in the one-line text approvers read. */
function tag(source: HoldingSource): string {
  if (source.via === 'requestedPackage') return ' (requested)';
  if (source.via === 'pimActivation') return ' (activating)';
  if (source.via === 'pendingRequest') return ' (pending request)';
  if (source.via === 'groupMembership' && source.membership === 'nested') return ' (nested group)';
  if (source.via === 'directoryRole' && source.assignment === 'eligible') return ' (eligible)';
  if (source.via === 'appRoleAssignment' && source.principal !== undefined) return ` (via ${source.principal})`;
  return '';
}

/** "Maintain vendors: Vendor Master - Maintain; Release payments: Payments - Approver (requested)". */
export function sidesText(conflict: Conflict): string {
  return conflict.sides
    .map(({ name, holdings }) => {
      // What the request (or the activation) brings first: that is what is being decided.
      const brought = (h: Holding) => h.source.via === 'requestedPackage' || h.source.via === 'pimActivation';
      const ordered = [...holdings.filter(brought), ...holdings.filter((h) => !brought(h))];
      const seen = new Set<string>();
      const items = ordered.filter((h) => !seen.has(h.key) && seen.add(h.key));
      const shown = items.slice(0, 2).map((h) => `${entitlementName(conflict.rule, h)}${tag(h.source)}`);
      return `${name}: ${shown.join(', ')}${items.length > 2 ? ` +${items.length - 2} more` : ''}`;
    })
    .join('; ');
}

export function exemptionText(exemption: Exemption): string {
  return [exemption.reason, exemption.ticket, exemption.expires === undefined ? undefined : `until ${exemption.expires}`].filter((p) => p !== undefined).join(', ');
}

const exemptionEvidence = (e: Exemption) => ({ principal: e.principal, reason: e.reason, ticket: e.ticket, expires: e.expires });

/** What a reviewer needs to verify a conflict: the rule, each side's items and where each came from, exemptions. */
export function conflictEvidence(conflict: Conflict): Record<string, unknown> {
  const { rule } = conflict;
  return {
    rule: { id: rule.id, title: rule.title, owner: rule.owner, severity: rule.severity, action: rule.action, mitigatingControl: rule.mitigatingControl },
    status: conflict.status,
    sides: conflict.sides.map(({ name, holdings }) => ({
      name,
      count: holdings.length,
      items: holdings.slice(0, EVIDENCE_ITEMS).map((h) => ({ kind: h.kind, key: h.key, displayName: entitlementName(rule, h), from: sourceText(h.source), source: h.source })),
    })),
    ...(conflict.exemption === undefined ? {} : { exemption: exemptionEvidence(conflict.exemption) }),
    ...(conflict.expiredExemptions.length === 0 ? {} : { expiredExemptions: conflict.expiredExemptions.map(exemptionEvidence) }),
  };
}

import type { Exemption } from '../sod-model.js';
import type { ScanResult } from './scan-model.js';
import type { ScanMeta } from './scan-report.js';

const exemptionJson = (e: Exemption) => ({ principal: e.principal, reason: e.reason, ticket: e.ticket, expires: e.expires });

/**
 * The scan as one JSON document for tools (`--json`): rules with their counts and holders per
 * side, each violation with its status, evidence (entitlement, how it is held, the raw source)
 * and exemptions. Rules are named once, violations refer to them by id.
 */
export function scanJson(result: ScanResult, meta: ScanMeta): Record<string, unknown> {
  return {
    scannedAt: result.scannedAt,
    policy: meta.policy,
    tenant: meta.tenant,
    stats: result.stats,
    rules: result.rules.map(({ rule, holders, open, exempt, violations, missing }) => ({
      id: rule.id,
      title: rule.title,
      owner: rule.owner,
      severity: rule.severity,
      action: rule.action,
      mitigatingControl: rule.mitigatingControl,
      sides: rule.sides.map((side, i) => ({ name: side.name, holders: holders[i] ?? 0 })),
      open,
      exempt,
      missing,
      violations: violations.map((v) => ({
        rule: v.rule,
        user: v.user,
        status: v.exemption === undefined ? 'open' : 'exempt',
        sides: v.sides.map((side) => ({ name: side.name, items: side.items.map((i) => ({ key: i.key, kind: i.kind, displayName: i.displayName, via: i.via, source: i.source })) })),
        ...(v.exemption === undefined ? {} : { exemption: exemptionJson(v.exemption) }),
        expiredExemptions: v.expiredExemptions.map(exemptionJson),
      })),
    })),
  };
}

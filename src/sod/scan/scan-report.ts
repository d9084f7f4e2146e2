import type { Exemption } from '../sod-model.js';
import { exemptionSummary, type RuleScan, type ScanResult, type Violation } from './scan-model.js';

/** What the report says about where the scan ran. */
export interface ScanMeta {
  /** The policy file and its version (`sha256:…`). */
  readonly policy: string;
  /** The tenant read: "tenant emulator (contoso.json)", "tenant 0c6f… via https://graph.microsoft.com". */
  readonly tenant: string;
}

export interface ReportOptions {
  /** Violations shown per rule; the rest are counted (default: all). For the terminal; files get all. */
  readonly maxPerRule?: number;
}

/** Display names come from the tenant: nothing in them may turn into Markdown structure or HTML. */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

const plural = (n: number, word: string) => `${String(n)} ${word}${n === 1 ? '' : 's'}`;

function summaryRow({ rule, holders, open, exempt }: RuleScan): string {
  const sides = rule.sides.map((side, i) => `${md(side.name)}: ${String(holders[i] ?? 0)}`).join('; ');
  return `| ${md(rule.id)} | ${md(rule.title)} | ${md(rule.owner ?? '—')} | ${rule.severity} | ${sides} | ${String(open)} | ${String(exempt)} |`;
}

function exemptionLine(label: string, e: Exemption): string {
  return `  - ${label}: ${md(exemptionSummary(e))}`;
}

function violationLines(v: Violation): string[] {
  const who = `${md(v.user.displayName ?? '(no display name)')} (${v.user.id})`;
  const lines = [`- **${who}**${v.exemption === undefined ? '' : ' — exempt'}`];
  for (const side of v.sides) {
    lines.push(`  - ${md(side.name)}: ${side.items.map((item) => `${md(item.displayName)} (${md(item.via)})`).join('; ')}`);
  }
  if (v.exemption !== undefined) lines.push(exemptionLine('Exemption', v.exemption));
  for (const e of v.expiredExemptions) lines.push(exemptionLine('Expired exemption, no longer applies', e));
  return lines;
}

function ruleSection(scan: RuleScan, maxPerRule: number): string[] {
  const { rule } = scan;
  const lines = [`## ${md(rule.id)} ${md(rule.title)}`, ''];
  lines.push(`Severity ${rule.severity} · action ${rule.action} · owner ${md(rule.owner ?? '—')} · ${plural(scan.open, 'open violation')}, ${String(scan.exempt)} exempt`);
  if (rule.description !== undefined) lines.push('', md(rule.description));
  if (rule.mitigatingControl !== undefined) lines.push('', `Mitigating control: ${md(rule.mitigatingControl)}`);
  if (scan.missing.length > 0) lines.push('', `Not found in the tenant (nobody holds them): ${scan.missing.map((m) => `${md(m.displayName)} (${m.key})`).join('; ')}`);
  lines.push('');
  if (scan.violations.length === 0) lines.push('No violations.');
  for (const v of scan.violations.slice(0, maxPerRule)) lines.push(...violationLines(v));
  const more = scan.violations.length - maxPerRule;
  if (more > 0) lines.push(`- … and ${plural(more, 'more violation')} (see the CSV or Markdown file)`);
  lines.push('');
  return lines;
}

/**
 * The scan for people: a summary table (per rule: owner, severity, holders per side, open and
 * exempt violations), then per rule each violation with its evidence (what the user holds on
 * each side and how) and its exemptions, expired ones included. Markdown that reads as text.
 */
export function scanReport(result: ScanResult, meta: ScanMeta, options: ReportOptions = {}): string {
  const open = result.rules.reduce((n, r) => n + r.open, 0);
  const exempt = result.rules.reduce((n, r) => n + r.exempt, 0);
  const { stats } = result;
  const lines = [
    '# Separation-of-duties scan',
    '',
    `Scanned ${result.scannedAt} · policy ${md(meta.policy)} · ${md(meta.tenant)}`,
    '',
    `${plural(result.rules.length, 'rule')} · **${plural(open, 'open violation')}** · ${String(exempt)} exempt · ${plural(stats.entitlements, 'entitlement')} read in ${plural(stats.reads, 'collection')} (${plural(stats.pages, 'page')}) · ${plural(stats.usersSeen, 'user')} seen · ${String(stats.ms)} ms`,
    '',
    '| Rule | Title | Owner | Severity | Holders per side | Open | Exempt |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...result.rules.map(summaryRow),
    '',
    ...result.rules.flatMap((r) => ruleSection(r, options.maxPerRule ?? Infinity)),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

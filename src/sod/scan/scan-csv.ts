import { exemptionSummary, type ScanResult } from './scan-model.js';

/**
 * The scan as CSV for spreadsheets and GRC tools: one row per violation and side item (a user
 * holding two items on one side and one on the other gives three rows), so each row is one piece
 * of evidence and a pivot on rule_id + user_id counts violations. Exempt violations are listed
 * with status `exempt`. RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a
 * comma, quote, CR or LF, quotes doubled; a header row first.
 */
export const CSV_COLUMNS = [
  'rule_id', 'rule_title', 'severity', 'owner', 'status', 'user_id', 'user_name', 'side', 'entitlement', 'entitlement_key', 'via', 'exemption', 'expired_exemptions',
] as const;

/** A cell a spreadsheet would run as a formula starts with one of these (CWE-1236). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field, defused: a leading `=`, `+`, `-`, `@`, tab or CR gets a `'` before it. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const row = (cells: readonly string[]) => `${cells.map(csvCell).join(',')}\r\n`;

export function scanCsv(result: ScanResult): string {
  const lines = [row(CSV_COLUMNS)];
  for (const { rule, violations } of result.rules) {
    for (const v of violations) {
      const exemption = v.exemption === undefined ? '' : exemptionSummary(v.exemption);
      const expired = v.expiredExemptions.map(exemptionSummary).join('; ');
      for (const side of v.sides) {
        for (const item of side.items) {
          lines.push(row([
            rule.id, rule.title, rule.severity, rule.owner ?? '', v.exemption === undefined ? 'open' : 'exempt', v.user.id, v.user.displayName ?? '',
            side.name, item.displayName, item.key, item.via, exemption, expired,
          ]));
        }
      }
    }
  }
  return lines.join('');
}

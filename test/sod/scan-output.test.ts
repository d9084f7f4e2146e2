import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../src/sod/rule-set.js';
import { csvCell, scanCsv } from '../../src/sod/scan/scan-csv.js';
import { scanJson } from '../../src/sod/scan/scan-json.js';
import type { ScanResult, Violation } from '../../src/sod/scan/scan-model.js';
import { md, scanReport } from '../../src/sod/scan/scan-report.js';

const USER = '00000000-0000-4000-8000-000000000001';
const ruleSet = compileRuleSet({
  rules: [
    {
      id: 'SOD-001',
      title: 'Vendors vs payments',
      owner: 'Finance Controls',
      severity: 'critical',
      action: 'deny',
      mitigatingControl: 'Monthly review',
      sides: [
        { name: 'Maintain vendors', groups: [{ id: '0000000a-0000-4000-8000-000000000001', displayName: 'Vendor, "Editors"' }] },
        { name: 'Release payments', accessPackages: [{ id: '0000000b-0000-4000-8000-000000000001', displayName: '=HYPERLINK("http://x")' }] },
      ],
      exemptions: [{ user: USER, reason: 'Cover', ticket: 'RISK-1', expires: '2026-01-31' }],
    },
  ],
});
const rule = ruleSet.rules[0] ?? (() => { throw new Error('no rule'); })();

function violation(displayName: string, exempt = false): Violation {
  return {
    rule: 'SOD-001',
    user: { id: USER, displayName },
    sides: [
      { name: 'Maintain vendors', items: [{ key: 'group:0000000a-0000-4000-8000-000000000001', kind: 'group', displayName: 'Vendor, "Editors"', via: 'member of group', source: { kind: 'member' } }] },
      {
        name: 'Release payments',
        items: [
          { key: 'accessPackage:0000000b-0000-4000-8000-000000000001', kind: 'accessPackage', displayName: '=HYPERLINK("http://x")', via: 'assignment as-1', source: { kind: 'assignment', id: 'as-1', state: 'Delivered' } },
          { key: 'accessPackage:0000000b-0000-4000-8000-000000000001', kind: 'accessPackage', displayName: '=HYPERLINK("http://x")', via: 'assignment as-2', source: { kind: 'assignment', id: 'as-2', state: 'Delivered' } },
        ],
      },
    ],
    exemption: exempt ? { principal: { kind: 'group', id: '0000000a-0000-4000-8000-000000000009' }, reason: 'Controllers', ticket: undefined, expires: undefined, expiresAt: undefined } : undefined,
    expiredExemptions: rule.exemptions,
  };
}

const result = (violations: Violation[]): ScanResult => ({
  scannedAt: '2026-06-15T12:00:00.000Z',
  rules: [{ rule, holders: [3, 2], open: violations.filter((v) => v.exemption === undefined).length, exempt: violations.filter((v) => v.exemption !== undefined).length, violations, missing: [] }],
  stats: { reads: 2, pages: 2, requests: 2, entitlements: 2, usersSeen: 4, ms: 12 },
});
const META = { policy: 'policy/sample.policy.json (sha256:0123)', tenant: 'tenant emulator (contoso.json)' };

describe('CSV', () => {
  it.each([
    ['plain', 'Avery', 'Avery'],
    ['a comma', 'Lindqvist, Avery', '"Lindqvist, Avery"'],
    ['quotes', 'the "boss"', '"the ""boss"""'],
    ['a line break', 'two\nlines', '"two\nlines"'],
    ['a formula', '=1+2', "'=1+2"],
    ['a plus', '+46 8 123', "'+46 8 123"],
    ['a minus', '-2', "'-2"],
    ['an at', '@SUM(A1)', "'@SUM(A1)"],
    ['a tab', '\tcmd', "'\tcmd"],
    ['a carriage return', '\rcmd', `"'\rcmd"`],
    ['a formula with quotes', '=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['an inner equals sign is fine', 'a=b', 'a=b'],
  ])('%s', (_name, value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('a header row, then one row per violation and side item, CRLF line ends', () => {
    const csv = scanCsv(result([violation('Avery "AJ" Lindqvist')]));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('rule_id,rule_title,severity,owner,status,user_id,user_name,side,entitlement,entitlement_key,via,exemption,expired_exemptions');
    expect(lines).toHaveLength(5); // header, 3 items, the empty string after the last CRLF
    expect(lines[1]).toBe(`SOD-001,Vendors vs payments,critical,Finance Controls,open,${USER},"Avery ""AJ"" Lindqvist",Maintain vendors,"Vendor, ""Editors""",group:0000000a-0000-4000-8000-000000000001,member of group,,"Cover, RISK-1, until 2026-01-31"`);
    expect(lines[2]).toContain(`Release payments,"'=HYPERLINK(""http://x"")",accessPackage:0000000b-0000-4000-8000-000000000001,assignment as-1,`);
  });

  it('an exempt violation says so and names its exemption', () => {
    const [, first] = scanCsv(result([violation('Sam', true)])).split('\r\n');
    expect(first).toContain(',exempt,');
    expect(first).toContain(',"Controllers, members of group 0000000a-0000-4000-8000-000000000009",');
  });

  it('no violations: the header alone', () => {
    expect(scanCsv(result([]))).toBe(`rule_id,rule_title,severity,owner,status,user_id,user_name,side,entitlement,entitlement_key,via,exemption,expired_exemptions\r\n`);
  });
});

describe('report', () => {
  it('a summary per rule, then each violation with its evidence and exemptions', () => {
    const text = scanReport(result([violation('Avery'), violation('Sam', true)]), META);
    expect(text).toContain('| SOD-001 | Vendors vs payments | Finance Controls | critical | Maintain vendors: 3; Release payments: 2 | 1 | 1 |');
    expect(text).toContain('**1 open violation** · 1 exempt');
    expect(text).toContain('Mitigating control: Monthly review');
    expect(text).toContain(`- **Avery (${USER})**\n  - Maintain vendors: Vendor, "Editors" (member of group)\n  - Release payments: =HYPERLINK("http://x") (assignment as-1); =HYPERLINK("http://x") (assignment as-2)\n  - Expired exemption, no longer applies: Cover, RISK-1, until 2026-01-31`);
    expect(text).toContain(`- **Sam (${USER})** — exempt`);
    expect(text).toContain('  - Exemption: Controllers, members of group');
  });

  it('names from the tenant cannot inject Markdown or HTML', () => {
    expect(md('<img src=x> | *bold* [link](x) `code`\nnext')).toBe('\\<img src=x\\> \\| \\*bold\\* \\[link\\](x) \\`code\\` next');
    expect(scanReport(result([violation('<script>|x')]), META)).toContain('**\\<script\\>\\|x (');
  });

  it('caps violations per rule when asked (the terminal), counting the rest', () => {
    const text = scanReport(result([violation('A'), violation('B'), violation('C')]), META, { maxPerRule: 1 });
    expect(text).toContain('- … and 2 more violations (see the CSV or Markdown file)');
    expect(text).not.toContain('**B (');
  });

  it('no violations', () => {
    expect(scanReport(result([]), META)).toContain('No violations.');
  });
});

describe('JSON', () => {
  it('rules once, violations by rule id with status, evidence and exemptions', () => {
    const json = scanJson(result([violation('Avery'), violation('Sam', true)]), META);
    expect(json).toMatchObject({
      scannedAt: '2026-06-15T12:00:00.000Z',
      policy: META.policy,
      rules: [{
        id: 'SOD-001',
        sides: [{ name: 'Maintain vendors', holders: 3 }, { name: 'Release payments', holders: 2 }],
        open: 1,
        exempt: 1,
        violations: [
          { rule: 'SOD-001', status: 'open', user: { displayName: 'Avery' }, expiredExemptions: [{ ticket: 'RISK-1', expires: '2026-01-31' }] },
          { status: 'exempt', exemption: { principal: { kind: 'group' }, reason: 'Controllers' } },
        ],
      }],
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

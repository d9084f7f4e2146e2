import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateScaleTenant, type ScaleTenant } from '../../emulator/index.js';

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const USER_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';

/**
 * Rules over a generated tenant (emulator/directory/scale-tenant.ts), as a policy's separationOfDuties
 * section: one per pair of conflicting packages (each side the package and the group it grants:
 * its violators are exactly the tenant's answer key), and one putting All Staff (every user,
 * through nested groups: the largest read) against the administrator roles, active and eligible.
 */
export function scaleRules(tenant: ScaleTenant): { rules: Record<string, unknown>[] } {
  const grantedGroup = new Map(tenant.accessPackages.map((p) => [p['id'] as string, (p['resourceRoleScopes'] as { group?: string }[]).find((s) => s.group !== undefined)?.group]));
  const side = (name: string, packageId: string) => {
    const group = grantedGroup.get(packageId);
    return { name, accessPackages: [{ id: packageId }], ...(group === undefined ? {} : { groups: [{ id: group }] }) };
  };
  return {
    rules: [
      ...tenant.conflictPairs.map(([a, b], i) => ({ id: `SCALE-PAIR-${String(i)}`, title: `SoD pair ${String(i)}`, severity: 'high', action: 'deny', sides: [side('A', a), side('B', b)] })),
      {
        id: 'SCALE-ADMIN',
        title: 'Staff vs directory administration',
        severity: 'critical',
        action: 'flag',
        sides: [
          { name: 'Staff', groups: [{ id: tenant.allStaffGroup, displayName: 'All Staff' }] },
          { name: 'Administer', directoryRoles: [{ roleTemplateId: GLOBAL_ADMINISTRATOR, displayName: 'Global Administrator' }, { roleTemplateId: USER_ADMINISTRATOR, displayName: 'User Administrator' }] },
        ],
      },
    ],
  };
}

export interface ScanBenchOptions {
  readonly users: number;
  /** Default: users / 25 (2,000 for 50,000 users). */
  readonly groups?: number;
  /** Default: users / 250 (200 for 50,000 users). */
  readonly packages?: number;
  readonly concurrency?: number;
}

export interface ScanBenchFigures {
  readonly users: number;
  readonly rules: number;
  /** The scan itself (ScanResult.stats.ms): reads, intersections, exemptions. */
  readonly scanMs: number;
  /** The whole command: process start, tenant file load, emulator start, scan, files written. */
  readonly wallMs: number;
  readonly reads: number;
  readonly pages: number;
  readonly requests: number;
  readonly usersSeen: number;
  readonly violations: number;
  /** Whether the pair rules found exactly the conflicts the generator placed. */
  readonly foundPlaced: boolean;
}

interface ScanJson {
  readonly stats: { ms: number; reads: number; pages: number; requests: number; usersSeen: number };
  readonly rules: { id: string; violations: { user: { id: string } }[] }[];
}

/** The built command (dist/scripts/scan.js beside dist/scripts/support/). */
const SCAN = fileURLToPath(new URL('../scan.js', import.meta.url));

function runScan(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCAN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('exit', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`scan exited with ${String(code)}: ${Buffer.concat(err).toString('utf8').slice(-2000)}`));
    });
  });
}

/**
 * The scan at scale, for `npm run bench` (needs the build): generates a tenant, writes it and the
 * rules of scaleRules() to a temporary directory, runs `node dist/scripts/scan.js --json` on it
 * (its own process: the emulator in it, its CA trusted), and checks the answer key.
 */
export async function benchScan(options: ScanBenchOptions): Promise<ScanBenchFigures> {
  const tenant = generateScaleTenant({ users: options.users, groups: options.groups ?? Math.max(2, Math.round(options.users / 25)), packages: options.packages ?? Math.max(10, Math.round(options.users / 250)) });
  const dir = mkdtempSync(join(tmpdir(), 'eg-scan-bench-'));
  try {
    const rules = scaleRules(tenant);
    writeFileSync(join(dir, 'tenant.json'), JSON.stringify(tenant));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ separationOfDuties: rules, scopes: [] }));
    const started = performance.now();
    const out = await runScan(['--tenant', join(dir, 'tenant.json'), '--policy', join(dir, 'policy.json'), '--out', join(dir, 'out'), '--json', '--concurrency', String(options.concurrency ?? 8)]);
    const wallMs = performance.now() - started;
    const result = JSON.parse(out) as ScanJson;
    const placed = new Set(tenant.conflicts.map((c) => c.userId));
    const found = result.rules.filter((r) => r.id.startsWith('SCALE-PAIR-')).flatMap((r) => r.violations.map((v) => v.user.id));
    return {
      users: options.users,
      rules: rules.rules.length,
      scanMs: result.stats.ms,
      wallMs: Math.round(wallMs),
      reads: result.stats.reads,
      pages: result.stats.pages,
      requests: result.stats.requests,
      usersSeen: result.stats.usersSeen,
      violations: result.rules.reduce((n, r) => n + r.violations.length, 0),
      foundPlaced: found.length === placed.size && found.every((id) => placed.has(id)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The pieces both what-if forms for a person print: checks with their findings, the Graph reads, where it read. */
import type { CheckRun, Finding } from '../engine/run-checks.js';
import type { FactSource } from '../facts/gather-facts.js';
import { evidenceLines } from './format-evidence.js';
import { REQUEST_FACT } from './request-checks.js';
import type { WhatIfContext } from './what-if-context.js';

export const indent = (lines: readonly string[], by: string): string[] => lines.map((line) => `${by}${line}`);
export const named = (name: string | undefined, id: string): string => (name === undefined ? id : `${name} (${id})`);

export function findingLines(finding: Finding): string[] {
  const kind = finding.kind === 'notice' ? 'notice (decides nothing)' : finding.kind === 'error' ? 'could not run' : 'violation';
  const weight = `${kind}, severity ${finding.severity}, action ${finding.action}, ${finding.enforced ? 'enforced' : 'audit only'}`;
  return [`- ${finding.message}`, ...indent([weight, ...evidenceLines(finding.evidence)], '  ')];
}

const STATUS: Readonly<Record<CheckRun['status'], string>> = { passed: 'passed', failed: 'FAILED', error: 'could not run', skipped: 'skipped' };

export function checkLines(run: CheckRun): string[] {
  const head = `${STATUS[run.status].padEnd(13)} ${run.id} [${run.scope}]${run.mode === 'audit' ? ' (audit)' : ''}`;
  return [head, ...indent(run.findings.flatMap(findingLines), '    ')];
}

function factStatus(source: FactSource): string {
  const status = source.graphStatus === undefined ? '' : `, ${source.graphStatus}`;
  if (source.outcome === 'loaded') return `loaded${status}`;
  if (source.outcome === 'absent') return `absent${status}: read as none`;
  const failure = source.failure;
  const why = failure?.kind === 'forbidden' ? `forbidden, permission ${failure.permission ?? 'unknown'} missing` : (failure?.kind ?? 'failed');
  const expected = source.fact === REQUEST_FACT && failure?.kind === 'not-found' ? ' (expected: the request is made up)' : '';
  return `FAILED (${why}${status})${expected}`;
}

export function factLines(sources: readonly FactSource[]): string[] {
  const sorted = [...sources].sort((a, b) => a.fact.localeCompare(b.fact));
  const width = Math.max(0, ...sorted.map((s) => s.fact.length));
  return sorted.map((s) => `${s.fact.padEnd(width)}  ${s.read ?? '(no read: the callout names no subject)'}: ${factStatus(s)}`);
}

/** Where the what-if read from, in words. */
export function sourceText(source: WhatIfContext['source']): string {
  return source.kind === 'emulator' ? `the tenant emulator (${source.tenantFile})` : `tenant ${source.tenantId} at ${source.graph}, read-only`;
}

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_POLICY } from '../../scripts/demo/scenarios.js';

/** The sample policy with some top-level fields replaced, written in `dir` where POLICY_PATH can point. */
export function samplePolicyWith(dir: string, name: string, changes: Record<string, unknown>): string {
  const path = join(dir, `${name}.policy.json`);
  writeFileSync(path, JSON.stringify({ ...(JSON.parse(readFileSync(SAMPLE_POLICY, 'utf8')) as object), ...changes }));
  return path;
}

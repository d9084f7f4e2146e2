import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDeployBundle, SHIPPED_BUNDLE, type BundleOptions } from './deploy-bundle.js';
import { importTimes } from './import-times.js';
import { repositoryRoot } from './scenarios.js';
import { median, ms, percentile } from './stats.js';

const VARIANTS: readonly { readonly name: string; readonly options: BundleOptions }[] = [
  { name: 'cold import of the bundle (shipped)', options: SHIPPED_BUNDLE },
  { name: '  … validators compiled at start-up', options: { ...SHIPPED_BUNDLE, precompiledValidators: false } },
  { name: '  … @azure/functions external', options: { ...SHIPPED_BUNDLE, externalFunctionsPackage: true } },
  { name: '  … both of these', options: { ...SHIPPED_BUNDLE, precompiledValidators: false, externalFunctionsPackage: true } },
  { name: '  … minified', options: { ...SHIPPED_BUNDLE, minify: true } },
];

/**
 * Bench rows: the cold import of the deployment bundle as `npm run bundle` builds it and of the
 * variants it was chosen over, each built afresh in a temporary directory and measured like the
 * unbundled entry, round-robin so that drift of the machine weighs on all alike; each over the
 * floor of importing @azure/functions alone (`floor`, measured by the caller).
 */
export async function bundleImportRows(env: Record<string, string>, runs: number, floor: readonly number[]): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-bundle-bench-'));
  try {
    const entries: string[] = [];
    for (const [i, variant] of VARIANTS.entries()) {
      const bundle = await buildDeployBundle(join(dir, String(i)), variant.options);
      // What `npm ci --omit=dev` would leave beside an entry that keeps packages external.
      if (variant.options.externalFunctionsPackage) symlinkSync(join(repositoryRoot(), 'node_modules'), join(bundle.dir, 'node_modules'));
      entries.push(pathToFileURL(bundle.entry).href);
    }
    const samples = entries.map((): number[] => []);
    for (let run = 0; run < runs; run++) {
      for (const [i, entry] of entries.entries()) samples[i]?.push(...importTimes(entry, env, 1, dir));
    }
    return VARIANTS.map((variant, i) => {
      const times = samples[i] ?? [];
      return [variant.name, ms(median(times)), ms(percentile(times, 99)), `${ms(median(floor))} (@azure/functions alone)`, (median(times) / median(floor)).toFixed(2)];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

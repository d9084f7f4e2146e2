import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDeployBundle, SHIPPED_BUNDLE, type BundleOptions } from '../bundle/deploy-bundle.js';
import { importTimes } from './import-times.js';
import { repositoryRoot } from '../demo/scenarios.js';
import { median, ms, percentile } from './stats.js';

const VARIANTS: readonly { readonly name: string; readonly options: BundleOptions }[] = [
  { name: 'cold import of the bundle (shipped)', options: SHIPPED_BUNDLE },
  { name: '  … validators compiled at start-up', options: { ...SHIPPED_BUNDLE, precompiledValidators: false } },
  { name: '  … @azure/functions external', options: { ...SHIPPED_BUNDLE, externalFunctionsPackage: true } },
  { name: '  … both of these', options: { ...SHIPPED_BUNDLE, precompiledValidators: false, externalFunctionsPackage: true } },
  { name: '  … minified', options: { ...SHIPPED_BUNDLE, minify: true } },
];

/**
 * Bench rows: the cold import of the built entry (dist/functions/index.js with node_modules), of
 * the deployment bundle as `npm run bundle` builds it and of the variants it was chosen over (each
 * built afresh in a temporary directory), each over the floor of importing @azure/functions alone.
 * All are measured round-robin, one import each per round, so that drift of a shared machine
 * weighs on all alike.
 */
export async function coldImportRows(env: Record<string, string>, runs: number): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-bundle-bench-'));
  try {
    const measured = [
      { name: 'floor', specifier: '@azure/functions' },
      { name: 'cold import of dist/functions/index.js', specifier: pathToFileURL(join(repositoryRoot(), 'dist', 'functions', 'index.js')).href },
    ];
    for (const [i, variant] of VARIANTS.entries()) {
      const bundle = await buildDeployBundle(join(dir, String(i)), variant.options);
      // What `npm ci --omit=dev` would leave beside an entry that keeps a package external.
      if (variant.options.externalFunctionsPackage) symlinkSync(join(repositoryRoot(), 'node_modules'), join(bundle.dir, 'node_modules'));
      measured.push({ name: variant.name, specifier: pathToFileURL(bundle.entry).href });
    }
    const samples = measured.map((): number[] => []);
    for (let run = 0; run < runs; run++) {
      for (const [i, { specifier }] of measured.entries()) samples[i]?.push(...importTimes(specifier, env, 1));
    }
    const [floor = [], ...entries] = samples;
    return measured.slice(1).map(({ name }, i) => {
      const times = entries[i] ?? [];
      return [name, ms(median(times)), ms(percentile(times, 99)), `${ms(median(floor))} (@azure/functions alone)`, (median(times) / median(floor)).toFixed(2)];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

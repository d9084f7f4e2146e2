import { createDeps, type Deps } from '../src/composition.js';
import { loadConfig } from '../src/config.js';

let deps: Deps | undefined;

/** The app's dependencies, built once from the environment on first use (survives container reuse). */
export function getDeps(): Deps {
  deps ??= createDeps(loadConfig(process.env));
  return deps;
}

import fc from 'fast-check';

/**
 * One seed for every property, from FUZZ_SEED when set, so a failure printed by one run can be
 * replayed exactly (FUZZ_SEED=<seed> npx vitest run test/fuzz). The default keeps `npm test`
 * deterministic; change it in the environment to explore further.
 */
export const FUZZ_SEED = Number.parseInt(process.env['FUZZ_SEED'] ?? '20261201', 10);

function shortReport<T>(details: fc.RunDetails<T>): void {
  if (!details.failed) return;
  const lines = (fc.defaultReportMessage(details) ?? 'property failed').split('\n').map((line) => (line.length > 1500 ? `${line.slice(0, 1500)}… (${line.length} chars)` : line));
  throw new Error(lines.join('\n'), { cause: details.errorInstance });
}

/** Runs one async property with the shared seed and prints how many cases it tried. */
export async function checkProperty<T>(name: string, arbitrary: fc.Arbitrary<T>, numRuns: number, predicate: (value: T) => Promise<void>): Promise<void> {
  let tried = 0;
  const property = fc.asyncProperty(arbitrary, async (value) => {
    tried += 1;
    await predicate(value);
  });
  try {
    // No shrinking (each case is an HTTPS round trip) and a short report: counterexamples can
    // hold strings of the body limit's size.
    await fc.assert(property, { seed: FUZZ_SEED, numRuns, endOnFailure: true, reporter: shortReport });
  } finally {
    console.log(`[fuzz] ${name}: ${tried} cases tried (seed ${FUZZ_SEED}, FUZZ_SEED to replay)`);
  }
}

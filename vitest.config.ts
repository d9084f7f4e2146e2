import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Makes the test CA and exports NODE_EXTRA_CA_CERTS before any worker starts, so real HTTPS
    // to the tenant emulator is trusted by Node, fetch, @azure/identity and the Graph client.
    globalSetup: ['test/support/global-setup.ts'],
    // Keeps the test-mode WARNING lines of @azure/functions out of every worker's output.
    setupFiles: ['test/support/quiet-functions.ts'],
    pool: 'forks',
    // Vitest's default is one worker per core less one: a single worker on these 2-core machines.
    // Most suites wait on loopback HTTPS, timers and retry back-off rather than the CPU, so three
    // workers overlap the waits (measured: 249 s → 136 s for the suite, same 2 cores).
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Makes the test CA and exports NODE_EXTRA_CA_CERTS before any worker starts, so real HTTPS
    // to the tenant emulator is trusted by Node, fetch, @azure/identity and the Graph client.
    globalSetup: ['test/support/global-setup.ts'],
    // Keeps the test-mode WARNING lines of @azure/functions out of every worker's output.
    setupFiles: ['test/support/quiet-functions.ts'],
    // Vitest's default is one worker per core less one: a single worker on these 2-core machines.
    // Most suites wait on loopback HTTPS, timers and retry back-off rather than the CPU, so three
    // workers overlap the waits (measured: 249 s → 136 s for the suite, same 2 cores).
    maxWorkers: 3,
    // Each test file is a fresh module graph: loading @azure/identity, MSAL, the Graph client and the
    // rest from hundreds of files each time was a third of the suite's time. Bundled once per run
    // (node_modules/.vite), they load as one file each (measured: import 144 s → 102 s of worker time).
    // Not ajv: the deployment bundle's test generates standalone validator code with it.
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: ['@azure/identity', '@azure/msal-node', '@microsoft/microsoft-graph-client', '@azure/data-tables', '@azure/storage-blob', '@azure/functions', 'jose', '@peculiar/x509', 'fast-check', 'yaml'],
        },
      },
    },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        // Each file in a VM context of its own inside a reused worker process: isolated like a fork
        // of its own, without starting a process and reloading Node's built-ins per file
        // (measured on the whole suite: 150 s → 106 s, and a third less CPU time).
        test: { name: 'vm', include: ['test/**/*.test.ts'], exclude: ['test/cli/**'], pool: 'vmForks' },
      },
      {
        extends: true,
        // The commands' own tests stub and unset environment variables the commands read; in a VM
        // context an unset did not reach them (a setting stubbed earlier stayed), so a process each.
        test: { name: 'cli', include: ['test/cli/**/*.test.ts'], pool: 'forks' },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Makes the test CA and exports NODE_EXTRA_CA_CERTS before any worker starts, so real HTTPS
    // to the tenant emulator is trusted by Node, fetch, @azure/identity and the Graph client.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

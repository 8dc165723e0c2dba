import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { globalSetup: ['../../packages/db/src/testing-setup.ts', 'test/bundle-setup.ts'], testTimeout: 120_000, hookTimeout: 60_000 },
});

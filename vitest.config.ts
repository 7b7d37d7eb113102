import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tools/test/**/*.test.ts'],
    globalSetup: ['tools/test/global-setup.ts'],
    // Tests run helm, kubeconform and promtool; two workers match the two cores.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

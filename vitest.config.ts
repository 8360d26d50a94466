import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the web app (dist/web) once when missing or older than its sources: the browser tests serve it.
    globalSetup: ['test/web/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // OCR and pipeline tests are CPU-heavy; two files at a time matches the 2-core machines we run on.
    maxWorkers: 2,
    reporters: ['default'],
  },
});

import { SummaryReporter } from './test/helpers/summary-reporter.ts';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'connectors/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites start their own nats-server and HTTP servers; two cores don't gain from more forks.
    maxWorkers: 2,
    reporters: ['default', new SummaryReporter()],
  },
});

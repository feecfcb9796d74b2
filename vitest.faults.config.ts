import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './test/helpers/summary-reporter.ts';

/** `npm run test:faults`: the fault-injection suite (real hub processes, kill -9, NATS outages). */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // Each scenario runs hub processes under load; on two cores they must not overlap.
    fileParallelism: false,
    reporters: ['default', new SummaryReporter()],
  },
});

import { SummaryReporter } from './test/helpers/summary-reporter.ts';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/{unit,contract,integration,fuzz,e2e}/**/*.test.ts',
      'connectors/**/*.test.ts',
      // The quick fault scenarios; `npm run test:faults` runs all of them (some wait out 30 s ack waits).
      'test/faults/{ingest-kill,nats-outage,disk-full,sink-behaviour,read-only-data,nats-retention}.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites start their own nats-server and HTTP servers; two cores don't gain from more forks.
    maxWorkers: 2,
    reporters: ['default', new SummaryReporter()],
  },
});

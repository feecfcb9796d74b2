import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/observability/metrics.ts';

describe('DLQ depth gauge', () => {
  it('keeps the last depth when its source fails, so the scrape still succeeds', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let fail = false;
    metrics.trackDlqDepth(() => (fail ? Promise.reject(new Error('store unavailable')) : 3));
    expect(await metrics.registry.metrics()).toMatch(/^hookhub_dlq_depth 3$/m);
    fail = true;
    expect(await metrics.registry.metrics()).toMatch(/^hookhub_dlq_depth 3$/m);
  });
});

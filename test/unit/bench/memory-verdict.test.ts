import { describe, expect, it } from 'vitest';
import { keepsGrowing, memoryRow } from '../../../bench/table.ts';

const MiB = 1024 * 1024;
const quarters = (...mib: number[]) => mib.map((m) => m * MiB);

describe('the memory row', () => {
  it('calls RSS growing only when the whole second half stays more than 10% above half-way', () => {
    expect(keepsGrowing(quarters(200, 204, 206, 232))).toBe(false); // one high reading: noise
    expect(keepsGrowing(quarters(200, 204, 230, 210))).toBe(false);
    expect(keepsGrowing(quarters(150, 200, 230, 260))).toBe(true);
    expect(keepsGrowing(quarters(200))).toBe(false);
  });

  it('shows every sample and compares the last with the reference', () => {
    const row = memoryRow({
      hub: { events: 100_000, rssQuarters: quarters(198, 200, 173, 219), failures: 0 },
      reference: { events: 100_000, rssQuarters: quarters(110, 114, 112, 110), failures: 0 },
    });
    expect(row.hookhub).toContain('each quarter: 198 MiB / 200 MiB / 173 MiB / 219 MiB');
    expect(row.ratio).toBe('1.99× RSS');
    expect(row.verdict).toMatch(/^flat/);
  });
});

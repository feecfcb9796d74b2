import { describe, expect, it } from 'vitest';
import { withDeadline } from '../../../../src/bus/nats/nats-deadline.ts';

describe('withDeadline', () => {
  it('passes a result or an error through when the work settles in time', async () => {
    expect(await withDeadline(Promise.resolve(7), 1_000, 'publish')).toBe(7);
    await expect(withDeadline(Promise.reject(new Error('no quorum')), 1_000, 'publish')).rejects.toThrow('no quorum');
  });

  it('rejects, naming the operation, when the work never settles', async () => {
    await expect(withDeadline(new Promise(() => undefined), 20, 'publish')).rejects.toThrow('NATS bus publish not confirmed within 20 ms');
  });
});

import { describe, expect, it } from 'vitest';
import { retryWithin, withDeadline } from '../../../../src/bus/nats/nats-deadline.ts';

describe('withDeadline', () => {
  it('passes a result or an error through when the work settles in time', async () => {
    expect(await withDeadline(Promise.resolve(7), 1_000, 'publish')).toBe(7);
    await expect(withDeadline(Promise.reject(new Error('no quorum')), 1_000, 'publish')).rejects.toThrow('no quorum');
  });

  it('rejects, naming the operation, when the work never settles', async () => {
    await expect(withDeadline(new Promise(() => undefined), 20, 'publish')).rejects.toThrow('NATS bus publish not confirmed within 20 ms');
  });
});

describe('retryWithin', () => {
  const failing = (failures: number, message = 'no responders') => {
    let calls = 0;
    const attempt = () => {
      calls++;
      return calls <= failures ? Promise.reject(new Error(message)) : Promise.resolve(calls);
    };
    return { attempt, calls: () => calls };
  };

  it('tries again until the attempt succeeds', async () => {
    const { attempt } = failing(2);
    expect(await retryWithin(attempt, 5_000, () => true)).toBe(3);
  });

  it('does not retry an error that is not retryable', async () => {
    const { attempt, calls } = failing(5, 'too large');
    await expect(retryWithin(attempt, 5_000, () => false)).rejects.toThrow('too large');
    expect(calls()).toBe(1);
  });

  it('gives up with the last error once the time is used up', async () => {
    const { attempt, calls } = failing(Number.POSITIVE_INFINITY);
    await expect(retryWithin(attempt, 200, () => true)).rejects.toThrow('no responders');
    expect(calls()).toBeGreaterThan(1);
  });
});

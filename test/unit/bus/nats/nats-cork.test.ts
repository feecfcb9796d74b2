import { describe, expect, it } from 'vitest';
import { createCork } from '../../../../src/bus/nats/nats-cork.ts';

describe('createCork', () => {
  it('starts the sends of one event-loop turn together, in order, at the end of the turn', async () => {
    const cork = createCork();
    const started: string[] = [];
    const send = (name: string) => () => {
      started.push(name);
      return Promise.resolve(name);
    };
    const first = cork(send('a'));
    const second = cork(send('b'));
    await Promise.resolve();
    expect(started).toEqual([]); // nothing goes out before the turn ends
    const results = await Promise.all([first, second, cork(send('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(started).toEqual(['a', 'b', 'c']);
    // A later turn is a new batch.
    expect(await cork(send('d'))).toBe('d');
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  it('fails only the send that throws or rejects; the others in its batch go out', async () => {
    const cork = createCork();
    const throws = cork(() => {
      throw new Error('bad subject');
    });
    const rejects = cork(() => Promise.reject(new Error('timeout')));
    const works = cork(() => Promise.resolve(1));
    await expect(throws).rejects.toThrow('bad subject');
    await expect(rejects).rejects.toThrow('timeout');
    expect(await works).toBe(1);
  });
});

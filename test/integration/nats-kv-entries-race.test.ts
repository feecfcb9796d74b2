/**
 * Listing a kv bucket while another process deletes its last entry (the noise flusher forgets an idle group
 * while another hub lists the groups): the listing ends, with or without that entry.
 */
import { describe, expect, it } from 'vitest';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const server = useNatsServer();

describe('kv entries on NATS while the only entry is deleted', () => {
  it('every listing ends', async () => {
    const lister = await createNatsBus({ url: server().url, prefix: 'kvrace', timeoutMs: 1_000 });
    const deleter = await createNatsBus({ url: server().url, prefix: 'kvrace' });
    try {
      const listed: number[] = [];
      for (let round = 0; round < 150; round++) {
        const revision = await deleter.kv('groups').put('only', { round });
        const [entries] = await Promise.all([lister.kv('groups').entries(), deleter.kv('groups').delete('only', { revision })]);
        listed.push(entries.length);
      }
      expect(listed.every((n) => n <= 1)).toBe(true);
    } finally {
      await lister.close();
      await deleter.close();
    }
  }, 60_000);
});

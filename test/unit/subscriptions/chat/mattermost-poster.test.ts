import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundGuard } from '../../../../src/actions/runtime/ssrf/guarded-fetch.ts';
import { mattermostPoster } from '../../../../src/subscriptions/chat/platforms/mattermost/poster.ts';

/** A local server playing Mattermost's REST API: it records each post it is sent. */
const posts: Record<string, unknown>[] = [];
let server: Server;
let base = '';
const guard = createOutboundGuard({ allowPrivateNetworks: true });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      posts.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `post-${posts.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  guard.close();
  server.close();
});

describe('mattermost poster', () => {
  it('posts a thread reply whose event text cannot mention the channel or anyone', async () => {
    const poster = mattermostPoster(base, 'bot-token', { fetch: guard.fetch, now: () => new Date(), signal: new AbortController().signal });
    // A comment anyone can leave on a public repository, quoted into the thread.
    await poster.reply('channel-1', 'mallory commented: @channel @all @here please look, @alice', 'root-1');
    const message = String(posts[0]?.message);
    expect(message).not.toMatch(/@(channel|all|here|alice)\b/);
    expect(message.replace(/\u200b/g, '')).toBe('mallory commented: @channel @all @here please look, @alice');
    expect(posts[0]).toMatchObject({ channel_id: 'channel-1', root_id: 'root-1' });
  });
});

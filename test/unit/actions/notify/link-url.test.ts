import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionDeps, Job } from '../../../../src/actions/action.ts';
import { formatEmail } from '../../../../src/actions/notify/format/email.ts';
import { notifyAction } from '../../../../src/actions/notify/index.ts';
import { withLinkableUrl } from '../../../../src/actions/notify/notify-params.ts';
import { createOutboundGuard } from '../../../../src/actions/runtime/ssrf/guarded-fetch.ts';
import { actionContext } from '../../../helpers/action-context.ts';

/** Links as Discord and Slack check them: a message whose link is no absolute http(s) URL is refused whole. */
function isHttpUrl(value: unknown): boolean {
  return typeof value === 'string' && /^https?:\/\/[^/\s]/.test(value);
}

interface Received {
  embeds?: { url?: string; description?: string }[];
  blocks?: { type: string; text?: { text: string }; elements?: { url?: string }[] }[];
}

const received: Received[] = [];
let server: Server;
let base = '';
const guard = createOutboundGuard({ allow: ['127.0.0.1'] });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received;
      received.push(body);
      const links = [
        ...(body.embeds ?? []).map((e) => e.url),
        ...(body.blocks ?? []).flatMap((b) => (b.elements ?? []).map((e) => e.url)),
      ].filter((u) => u !== undefined);
      if (links.some((u) => !isHttpUrl(u))) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"embeds": ["0"]}');
        return;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  guard.close();
  await new Promise((resolve) => server.close(resolve));
});

const job: Job = {
  id: 'evt_1:rule:0',
  eventId: 'evt_1',
  eventType: 'github.push',
  rule: 'rule',
  index: 0,
  action: 'notify',
  params: {},
  createdAt: '2026-03-01T10:00:00.000Z',
};

function deps(): ActionDeps {
  const channels = { discord: { type: 'discord', url: `${base}/discord` }, slack: { type: 'slack', url: `${base}/slack` } };
  return { fetch: guard.fetch, now: () => new Date('2026-03-01T10:00:00Z'), channels, signal: AbortSignal.timeout(5_000) };
}

describe('notify: a url that is no http(s) link', () => {
  it.each(['discord', 'slack'])('%s still gets the message, the url shown as text instead of a link it would refuse', async (channel) => {
    const params = { channel, title: 'Deploy finished', text: 'api is live', url: 'status.example.com/deploys/7' };
    const result = await notifyAction.execute(params, actionContext(job, deps()));
    expect(result.status).toBe(204);
    const shown = JSON.stringify(received.at(-1));
    expect(shown).toContain('api is live\\nstatus.example.com/deploys/7');
  });

  it('keeps an http(s) url as the link, and an email never links javascript:', async () => {
    const params = { channel: 'discord', title: 'Deploy', text: 'live', url: 'https://status.example.com/7' };
    await notifyAction.execute(params, actionContext(job, deps()));
    expect(received.at(-1)?.embeds?.[0]).toMatchObject({ url: 'https://status.example.com/7', description: 'live' });
    const email = formatEmail(withLinkableUrl({ channel: 'mail', text: 'open', url: 'javascript:alert(1)' }));
    expect(email.html).not.toContain('href="javascript:');
    expect(email.text).toContain('open\njavascript:alert(1)');
  });
});

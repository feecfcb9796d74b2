/**
 * The bench's reference server with --checks (bench/reference/reference-server.ts): the table compares
 * hookhub with it, so it must really make hookhub's two checks, on SQLite and on NATS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { BENCH_SECRET } from '../../bench/lib/hub-config.ts';
import { startTsProcess, type NodeProcess } from '../../bench/lib/hub-process.ts';
import { githubTemplate } from '../../bench/load/github-request.ts';
import { hmac } from '../../connectors/shared/hmac.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'ref-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const nats = useNatsServer();
const template = githubTemplate(BENCH_SECRET);

async function post(server: NodeProcess, id: string, body: Buffer): Promise<{ status: number; text: string }> {
  const headers = { ...template.delivery(id).headers, 'x-hub-signature-256': `sha256=${hmac('sha256', BENCH_SECRET, body, 'hex')}` };
  const res = await fetch(`${server.url}/hooks/github`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: res.status, text: await res.text() };
}

describe.each([
  ['SQLite, batched', () => ['--sqlite', join(dir, `ref-${Date.now()}.db`), '--batch']],
  ['NATS', () => ['--nats', nats().url]],
])('the reference with --checks on %s', (_, store) => {
  it('answers 400 for a body that is not JSON, and a duplicate for a body sent again under another delivery id', async () => {
    const server = await startTsProcess('bench/reference/reference-server.ts', ['--secret', BENCH_SECRET, ...store(), '--checks']);
    try {
      expect((await post(server, 'bad-1', Buffer.from('{"truncated":'))).status).toBe(400);
      const body = template.delivery('first').body;
      expect(await post(server, 'first', body)).toEqual({ status: 202, text: '{"id":"first","duplicate":false}' });
      expect(await post(server, 'replayed', body)).toEqual({ status: 202, text: '{"id":"replayed","duplicate":true}' });
      expect(await post(server, 'first', body)).toEqual({ status: 202, text: '{"id":"first","duplicate":true}' });
      const other = template.delivery('second').body;
      expect(await post(server, 'second', other)).toEqual({ status: 202, text: '{"id":"second","duplicate":false}' });
    } finally {
      await server.kill('SIGTERM');
    }
  });
});

describe('the NATS reference with --read-back', () => {
  it('reads and acks every delivery it stores, through a durable consumer of its own', async () => {
    const server = await startTsProcess('bench/reference/reference-server.ts', [
      '--secret',
      BENCH_SECRET,
      '--nats',
      nats().url,
      '--checks',
      '--read-back',
    ]);
    const nc = await connect({ servers: nats().url });
    try {
      for (const id of ['one', 'two', 'three']) expect((await post(server, id, template.delivery(id).body)).status).toBe(202);
      const jsm = await jetstreamManager(nc);
      const settled = async () => {
        const info = await jsm.consumers.info(`REF_${server.pid}`, 'reader');
        return { delivered: info.delivered.consumer_seq, pending: info.num_pending, unacked: info.num_ack_pending };
      };
      await expect.poll(settled, { timeout: 5_000 }).toEqual({ delivered: 3, pending: 0, unacked: 0 });
    } finally {
      await nc.close();
      await server.kill('SIGTERM');
    }
  });
});

describe('the batched SQLite reference with --read-back', () => {
  it('reads back every row it commits, and saves how far it has read', async () => {
    const file = join(dir, `read-back-${Date.now()}.db`);
    const server = await startTsProcess('bench/reference/reference-server.ts', [
      '--secret',
      BENCH_SECRET,
      '--sqlite',
      file,
      '--batch',
      '--checks',
      '--read-back',
    ]);
    try {
      for (const id of ['one', 'two', 'three']) expect((await post(server, id, template.delivery(id).body)).status).toBe(202);
      const db = new Database(file, { readonly: true });
      try {
        const saved = () => db.prepare('SELECT (SELECT position FROM reader) AS position, (SELECT MAX(rowid) FROM events) AS last').get();
        await expect.poll(saved, { timeout: 5_000 }).toEqual({ position: 3, last: 3 });
      } finally {
        db.close();
      }
    } finally {
      await server.kill('SIGTERM');
    }
  });
});

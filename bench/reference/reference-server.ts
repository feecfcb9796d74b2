/**
 * The reference the ingest benchmark compares hookhub against: a minimal node:http handler that
 * does the same HMAC check (X-Hub-Signature-256 over the raw body) and the same durable write, and
 * nothing else. Prints `{"ready":true,"port":N}` when listening.
 *
 * Usage: reference-server.ts --secret S (--sqlite FILE [--batch [--read-back]] | --nats URL [--read-back]) [--checks] [--forward URL]
 * --batch commits the writes of one event-loop turn in one transaction (what the embedded bus does);
 * without it every request is its own insert + commit.
 * --checks adds the two checks hookhub makes before its 202 and the plain reference does not: the body must
 * parse as JSON (else 400), and a body stored before under another delivery id is a duplicate (GitHub signs
 * only the body, so a captured one could be sent again under a new id). The table shows what they cost.
 * --read-back reads every stored delivery back in the process, as hookhub's router does with an event no rule
 * takes: on NATS a durable consumer acks each one (on nats-server 2.9 a stream read at its tail costs more to
 * write to); on SQLite a reader reads each commit's new rows and saves how far it has read in the next commit.
 * --forward POSTs each accepted delivery to URL after answering (a relay with no queue, for end to end).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createForwarder } from './forwarder.ts';
import { openReferenceStore, type ReferenceStore } from './reference-store.ts';

const { values } = parseArgs({
  options: {
    secret: { type: 'string' },
    sqlite: { type: 'string' },
    batch: { type: 'boolean', default: false },
    checks: { type: 'boolean', default: false },
    'read-back': { type: 'boolean', default: false },
    nats: { type: 'string' },
    forward: { type: 'string' },
  },
});
const secret = values.secret ?? '';
const store = await openReferenceStore({ ...values, readBack: values['read-back'] });
const forward = values.forward ? createForwarder(values.forward) : undefined;

function verified(body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The body's replay key (the first 16 bytes of its SHA-256, as hookhub keeps them), or null when it is not JSON. */
function checkedReplayKey(body: Buffer): Buffer | null {
  try {
    JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  return createHash('sha256').update(body).digest().subarray(0, 16);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, s: ReferenceStore): Promise<void> {
  const body = await readBody(req);
  const id = req.headers['x-github-delivery'];
  if (typeof id !== 'string' || !verified(body, req.headers['x-hub-signature-256'])) {
    res.writeHead(401).end();
    return;
  }
  const replayKey = values.checks ? checkedReplayKey(body) : undefined;
  if (replayKey === null) {
    res.writeHead(400).end();
    return;
  }
  let stored: boolean;
  try {
    stored = await s.write(id, body, replayKey);
  } catch {
    res.writeHead(503).end();
    return;
  }
  const duplicate = values.checks ? `,"duplicate":${!stored}` : '';
  res.writeHead(202, { 'content-type': 'application/json' }).end(`{"id":${JSON.stringify(id)}${duplicate}}`);
  forward?.(id);
}

const server = createServer((req, res) => void handle(req, res, store));
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void store.close().then(() => process.exit(0));
});

import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

/** Each uptime checker has its own connector and its own rule; both post the same body when a site is down. */
const RULES = `
rules:
  - name: prod-down
    on: uptime.unknown
    from: [uptime-prod]
    do:
      - notify: { channel: ops, text: "{{connector}} {{data.status}}" }
  - name: staging-down
    on: uptime.unknown
    from: [uptime-staging]
    do:
      - notify: { channel: ops, text: "{{connector}} {{data.status}}" }
`;

function startSink(texts: string[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      texts.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string }).text);
      res.end('ok');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack` })),
  );
}

function hubConfig(busYaml: string, sinkUrl: string) {
  const dir = tempDir('hookhub-scoped-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'ops.yaml'), RULES);
  const yaml = `
server: { port: 0, host: 127.0.0.1 }
bus: ${busYaml}
connectors:
  uptime-prod: { type: generic, provider: uptime, verify: { apiKey: { header: X-Key, secret: prod-checker-key-0123456789abcdef } } }
  uptime-staging: { type: generic, provider: uptime, verify: { apiKey: { header: X-Key, secret: staging-checker-key-0123456789abc } } }
channels:
  ops: { type: slack, url: "${sinkUrl}" }
delivery: { allowlist: [127.0.0.1] }
rules: ./rules
`;
  return parseConfig(join(dir, 'hookhub.yaml'), yaml, readEnv({}));
}

function describeHub(name: string, busYaml: () => string) {
  describe(`two generic connectors receiving the same body (${name} bus)`, () => {
    const texts: string[] = [];
    let sink: { server: Server; url: string };
    let hub: RunningHub;

    beforeAll(async () => {
      sink = await startSink(texts);
      hub = await startHub({ config: hubConfig(busYaml(), sink.url), logger: silentLogger });
    });

    afterAll(async () => {
      await hub?.stop();
      sink?.server.close();
    });

    async function post(connector: string, key: string, body: string) {
      const res = await fetch(`http://127.0.0.1:${hub.port}/hooks/${connector}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-key': key },
        body,
      });
      return { status: res.status, answer: (await res.json()) as { id: string; duplicate: boolean } };
    }

    it("runs each connector's rule", async () => {
      const status = `down-${randomUUID()}`;
      const body = JSON.stringify({ status });
      const prod = await post('uptime-prod', 'prod-checker-key-0123456789abcdef', body);
      const staging = await post('uptime-staging', 'staging-checker-key-0123456789abc', body);
      expect([prod.status, prod.answer.duplicate, staging.status, staging.answer.duplicate]).toEqual([202, false, 202, false]);
      const expected = [`uptime-prod ${status}`, `uptime-staging ${status}`];
      await eventually(() => expected.every((text) => texts.includes(text)), 15_000, 'a message from each rule');
    });
  });
}

describeHub('embedded', () => '{ type: embedded, path: ./data/hookhub.db }');

const nats = useNatsServer();
describeHub('nats', () => `{ type: nats, url: "${nats().url}" }`);

/**
 * A refused signature tells the operator what to check, over the real HTTP ingress: the `webhook rejected`
 * warning, the dashboard's last error and the rejections meta-event carry a hint by what failed, naming
 * config keys and never a secret or the signature that arrived. The 401 answer keeps only the reason.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connector, ConnectorContext } from '../../connectors/connector.ts';
import { connectorRegistry } from '../../connectors/index.ts';
import { createConnectorActivity, type ConnectorActivity } from '../../src/api/connector-activity.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import type { ConnectorInstance } from '../../src/ingress/hooks-route.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { createMetaPublisher, type MetaPublisher } from '../../src/meta/meta-publisher.ts';
import { batteryConnectors } from '../helpers/battery-connectors.ts';
import { loadFixture } from '../helpers/connector-request.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';
import { objectContaining } from '../helpers/matchers.ts';

const registry = connectorRegistry as Readonly<Record<string, Connector>>;
const types = Object.keys(batteryConnectors);
const SECRET = 'hint-secret-0123456789abcdef';
const OTHER_SECRET = 'hint-other-fedcba9876543210';
/**
 * Extra instances: a GitHub connector named other than its type, a GitLab one with only a signing token,
 * and a generic one checking an API key.
 */
const EXTRA: Record<string, (secret: string) => Record<string, unknown>> = {
  gh: (secret) => ({ type: 'github', secret }),
  glsign: (signingToken) => ({ type: 'gitlab', signingToken }),
  acme: (secret) => ({
    type: 'generic',
    provider: 'acme',
    verify: { apiKey: { header: 'X-Acme-Key', secret } },
    typeFrom: { path: 'type' },
  }),
};

let bus: EventBus;
let server: IngressServer;
let base: string;
let activity: ConnectorActivity;
let meta: MetaPublisher;
let hubTime: Date | undefined;
let metaTime: Date;
let logText = '';
let lines: Record<string, unknown>[] = [];

function configFor(name: string, secret: string): { type: string } {
  const raw = (EXTRA[name] ?? batteryConnectors[name]!.config)(secret);
  return registry[raw.type as string]!.configSchema.parse(raw);
}

/** A request for connector `name` signed by the connector's own `sign()` under `secret` at `now`. */
function request(name: string, { secret = SECRET, now = new Date() }: { secret?: string; now?: Date } = {}) {
  const config = configFor(name, secret);
  const connector = registry[config.type]!;
  const entry = batteryConnectors[config.type]!;
  const event = entry.sample ?? Object.keys(connector.samples)[0]!;
  const raw = loadFixture(config.type, connector.samples[event]!);
  const body = entry.prepare ? entry.prepare(raw, now) : raw;
  const ctx: ConnectorContext<{ type: string }> = { name, config, now: () => now };
  return { headers: connector.sign(body, ctx, { id: randomUUID(), event }), body };
}

/** Header names whose value depends on the secret: the signature or token headers. */
function authHeaderNames(name: string): string[] {
  const now = new Date();
  const a = request(name, { now }).headers;
  const b = request(name, { now, secret: OTHER_SECRET }).headers;
  return Object.keys(a).filter((header) => a[header] !== b[header]);
}

async function post(name: string, { headers, body }: { headers: Record<string, string>; body: Buffer }) {
  const res = await fetch(`${base}/hooks/${name}`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: res.status, answer: (await res.json()) as { error?: string } };
}

/** The one `webhook rejected` line logged since the last reset. */
function rejectedLine(): { connector: string; status: number; reason: string; hint: string } {
  const found = lines.filter((line) => line.msg === 'webhook rejected');
  expect(found).toHaveLength(1);
  return found[0] as { connector: string; status: number; reason: string; hint: string };
}

function expectNoSecretIn(text: string, headers: Record<string, string>, names: readonly string[]): void {
  for (const secret of [SECRET, OTHER_SECRET]) expect(text).not.toContain(secret);
  for (const name of names) expect(text).not.toContain(headers[name]);
}

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  const connectors = new Map<string, ConnectorInstance>();
  for (const name of [...types, ...Object.keys(EXTRA)]) {
    const config = configFor(name, SECRET) as ConnectorInstance['config'];
    connectors.set(name, { name, connector: registry[config.type]!, config });
  }
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logText += chunk.toString();
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  activity = createConnectorActivity({ connectors: [...connectors.keys()] });
  meta = createMetaPublisher({ bus, logger: silentLogger, now: () => metaTime });
  server = new IngressServer({
    connectors,
    bus,
    bodyLimit: 1024 * 1024,
    logger,
    now: () => hubTime ?? new Date(),
    onHook: (observation) => {
      activity.observe(observation);
      meta.observeHook(observation);
    },
  });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});

beforeEach(() => {
  lines = [];
  logText = '';
  hubTime = undefined;
  metaTime = new Date('2026-12-05T10:01:00Z');
});

afterAll(async () => {
  await meta?.stop();
  await server?.close();
  await bus?.close();
});

describe('a signature that matches no secret', () => {
  it('names the connector and its secret key, and a body re-encoded in front; the answer keeps only the reason', async () => {
    const sent = request('gh', { secret: OTHER_SECRET });
    const { status, answer } = await post('gh', sent);
    expect(status).toBe(401);
    expect(answer).toEqual({ error: 'X-Hub-Signature-256 does not match the body under any configured secret' });
    const line = rejectedLine();
    expect(line).toMatchObject({ connector: 'gh', status: 401, reason: answer.error });
    expect(line.hint).toContain('connectors.gh.secret');
    expect(line.hint).toContain('value set at the provider');
    expect(line.hint).toMatch(/re-encoded the body .*raw bytes/);
    expect(JSON.stringify(answer)).not.toContain('connectors.gh');
    expectNoSecretIn(logText, sent.headers, ['x-hub-signature-256']);
  });

  it('puts the same hint on the dashboard and in the rejections meta-event', async () => {
    metaTime = new Date('2026-12-05T11:01:00Z');
    await post('gh', request('gh', { secret: OTHER_SECRET }));
    const { hint } = rejectedLine();
    const { lastError } = activity.counts('gh');
    expect(lastError).toMatchObject({ status: 401, hint });
    // A 415 next: its hint is the general one by status, and the window keeps the signature's.
    const sent = request('gh');
    expect((await post('gh', { headers: { ...sent.headers, 'content-type': 'text/plain' }, body: sent.body })).status).toBe(415);
    expect(activity.counts('gh').lastError?.hint).toMatch(/Content-Type/);
    metaTime = new Date('2026-12-05T11:05:00Z');
    await meta.flush();
    const events = (await bus.query<HubEvent>({ stream: 'events', afterSeq: 0, limit: 1000 }))
      .map((m) => m.payload)
      .filter((e) => e.type === 'hookhub.connector.rejections' && (e.data as { since: string }).since === '2026-12-05T11:00:00.000Z');
    expect(events.map((e) => e.data)).toEqual([
      objectContaining({ connector: 'gh', counts: { bad_signature: 1, unsupported_media_type: 1 }, hints: { bad_signature: hint } }),
    ]);
  });

  it('for a token the provider sends as is, names the key it is checked against and no body re-encoding', async () => {
    const { status } = await post('acme', request('acme', { secret: OTHER_SECRET }));
    expect(status).toBe(401);
    const { hint } = rejectedLine();
    expect(hint).toContain('connectors.acme.verify.apiKey.secret');
    expect(hint).not.toMatch(/re-encoded/);
    expect(logText).not.toContain(OTHER_SECRET);
  });
});

describe('an unsigned request', () => {
  it("points at the provider's signing setting and the connector type", async () => {
    const sent = request('gh');
    const { status } = await post('gh', { headers: { ...sent.headers, 'x-hub-signature-256': '' }, body: sent.body });
    expect(status).toBe(401);
    const { hint } = rejectedLine();
    expect(hint).toMatch(/^the request lacks what github signs it with: .*set to sign .*connectors\.gh\.secret/);
    expect(hint).toContain('connectors.gh has type github');
  });

  it('names the key the connector checks with, not its first secret field (GitLab with only a signing token)', async () => {
    const sent = request('glsign');
    for (const header of ['webhook-signature', 'webhook-timestamp']) {
      lines = [];
      const headers = Object.fromEntries(Object.entries(sent.headers).filter(([name]) => name !== header));
      expect((await post('glsign', { headers, body: sent.body })).status).toBe(401);
      const { hint } = rejectedLine();
      expect(hint).toContain('connectors.glsign.signingToken');
      expect(hint).not.toContain('connectors.glsign.secret');
    }
  });
});

describe("a header the provider's requests always carry, in another form", () => {
  it('points at the provider posting here and the headers, not at the secret (GitHub event and delivery headers)', async () => {
    for (const [header, value] of [
      ['x-github-event', 'pull request'],
      ['x-github-delivery', 'not/a/guid'],
    ] as const) {
      lines = [];
      const sent = request('gh');
      expect((await post('gh', { headers: { ...sent.headers, [header]: value }, body: sent.body })).status).toBe(401);
      const { hint } = rejectedLine();
      expect(hint).toMatch(/^the request is not in the form github sends: check that github is the provider posting here/);
      expect(hint).not.toContain('connectors.gh.secret');
    }
  });
});

describe('a signed timestamp outside the window', () => {
  it('says how far off it was and the window, behind or ahead of the hub', async () => {
    hubTime = new Date('2026-12-07T12:00:00Z');
    expect((await post('stripe', request('stripe', { now: new Date(hubTime.getTime() - 400_000) }))).status).toBe(401);
    expect(rejectedLine().hint).toMatch(
      /^the signed timestamp is 400 s \(about 7 min\) behind the hub's clock, outside the 300 s window: .*NTP/,
    );
    lines = [];
    expect((await post('stripe', request('stripe', { now: new Date(hubTime.getTime() + 3_600_000) }))).status).toBe(401);
    expect(rejectedLine().hint).toMatch(
      /^the signed timestamp is 3600 s \(about 60 min\) ahead of the hub's clock, outside the 300 s window/,
    );
  });
});

describe.each(types)('every connector says what failed: %s', (type) => {
  it('names its secret key for another secret, and the signing setting for a missing signature, never the secret', async () => {
    const key = `connectors.${type}.${registry[type]!.secretFields[0]!}`;
    const wrong = request(type, { secret: OTHER_SECRET });
    expect((await post(type, wrong)).status).toBe(401);
    const checks = `check that ${key.replaceAll('.', '\\.')} in hookhub\\.yaml`;
    expect(rejectedLine().hint).toMatch(new RegExp(`^the (signature does not verify|${type} token matches none).*: ${checks}`));
    const names = authHeaderNames(type);
    expectNoSecretIn(logText, wrong.headers, names);
    lines = [];
    const valid = request(type);
    const unsigned = Object.fromEntries(Object.entries(valid.headers).filter(([name]) => !names.includes(name)));
    expect((await post(type, { headers: unsigned, body: valid.body })).status).toBe(401);
    // Mattermost's sample also carries the token in its form, which is checked when the header is gone.
    const missing = type === 'mattermost' ? `^the mattermost token matches none` : `^the request lacks what ${type} signs it with: `;
    expect(rejectedLine().hint).toMatch(new RegExp(missing));
  });
});

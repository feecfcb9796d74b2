import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { discordConnector } from '../../../../connectors/discord/index.ts';
import { ed25519PublicKey, verifyEd25519 } from '../../../../connectors/discord/ed25519.ts';
import { PayloadError, VerificationError } from '../../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../../helpers/connector-request.ts';
import { objectContaining } from '../../../helpers/matchers.ts';

/** A fresh Ed25519 key pair as Discord shows it: raw 32-byte keys in hex. */
function keyPair(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex'),
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('hex'),
  };
}

const NOW = new Date('2024-05-14T12:00:00Z');
const app = keyPair();
const ctx = connectorContext(discordConnector, { type: 'discord', ...app }, NOW, 'discord');
const command = loadFixture('discord', 'application_command.json');
const meta = { id: '786008729715212338', event: 'application_command' };
const sign = (body: Buffer, changes: Record<string, string | undefined> = {}) => signedRequest(discordConnector, ctx, body, meta, changes);

describe('discord connector: Ed25519 verification', () => {
  it('accepts an interaction signed with the app key and defers the reply', async () => {
    const { events, reply } = await discordConnector.handle(sign(command), ctx);
    expect(events).toHaveLength(1);
    expect(reply).toEqual({ status: 200, body: { type: 5 } });
  });

  it("answers 401 to Discord's probes: a tampered body, a wrong key, garbage and missing headers", async () => {
    const probes = [
      { ...sign(command), body: Buffer.from(command.toString().replace('Gitrog', 'Gitrug')) },
      signedRequest(discordConnector, connectorContext(discordConnector, { type: 'discord', ...keyPair() }, NOW), command, meta),
      sign(command, { 'x-signature-ed25519': 'garbage' }),
      sign(command, { 'x-signature-ed25519': '0'.repeat(128) }),
      sign(command, { 'x-signature-ed25519': undefined }),
      sign(command, { 'x-signature-timestamp': undefined }),
      sign(command, { 'x-signature-timestamp': String(NOW.getTime() / 1000 + 1) }),
    ];
    for (const probe of probes) {
      await expect(async () => discordConnector.handle(probe, ctx)).rejects.toThrow(VerificationError);
    }
  });

  it('accepts a new public key only once the config has it (no rotation list: one key per app)', async () => {
    const other = keyPair();
    const request = signedRequest(discordConnector, connectorContext(discordConnector, { type: 'discord', ...other }, NOW), command, meta);
    await expect(async () => discordConnector.handle(request, ctx)).rejects.toThrow(VerificationError);
    const rotated = connectorContext(discordConnector, { type: 'discord', publicKey: other.publicKey }, NOW);
    expect((await discordConnector.handle(request, rotated)).events).toHaveLength(1);
  });

  it('rejects a replay: a signature older or newer than 5 minutes', async () => {
    for (const offset of [-301_000, 301_000]) {
      const signer = { ...ctx, now: () => new Date(NOW.getTime() + offset) };
      await expect(async () => discordConnector.handle(signedRequest(discordConnector, signer, command, meta), ctx)).rejects.toThrow(
        /timestamp is \d+ s/,
      );
    }
  });

  it('parses only after verifying', async () => {
    await expect(async () => discordConnector.handle(sign(Buffer.from('nope')), ctx)).rejects.toThrow(PayloadError);
    await expect(async () => discordConnector.handle({ ...sign(Buffer.from('nope')), headers: {} }, ctx)).rejects.toThrow(
      VerificationError,
    );
    await expect(async () => discordConnector.handle(sign(Buffer.from('{"type":2}')), ctx)).rejects.toThrow(/snowflake/);
  });

  it('verifies Ed25519 exactly: RFC 8032 section 7.1 test vectors through the raw-key wrapping', () => {
    // https://www.rfc-editor.org/rfc/rfc8032#section-7.1, TEST 1-3 (public key, message, signature).
    const vectors = [
      [
        'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
        '',
        'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
      ],
      [
        '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
        '72',
        '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
      ],
      [
        'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
        'af82',
        '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
      ],
    ] as const;
    for (const [publicKey, message, signature] of vectors) {
      expect(verifyEd25519(ed25519PublicKey(publicKey), Buffer.from(message, 'hex'), signature)).toBe(true);
      expect(verifyEd25519(ed25519PublicKey(publicKey), Buffer.from(`${message}00`, 'hex'), signature)).toBe(false);
    }
  });

  it('explains that signing needs a test private key, and validates keys in the config', () => {
    const noKey = connectorContext(discordConnector, { type: 'discord', publicKey: app.publicKey }, NOW);
    expect(() => discordConnector.sign(command, noKey, meta)).toThrow(/needs `privateKey`/);
    expect(() => discordConnector.configSchema.parse({ type: 'discord', publicKey: 'abc' })).toThrow(/64 hex digits/);
  });
});

describe('discord connector: PING and normalization of every fixture', () => {
  it('answers PING with {"type":1}', async () => {
    const { events, reply } = await discordConnector.handle(sign(loadFixture('discord', 'ping.json')), ctx);
    expect(reply).toEqual({ status: 200, body: { type: 1 } });
    expect(events[0]).toMatchObject({ type: 'discord.interaction.ping', id: '1238917623491379240' });
  });

  it('answers components with a deferred update and autocomplete with no choices', async () => {
    const component = await discordConnector.handle(sign(loadFixture('discord', 'message_component.json')), ctx);
    expect(component.reply).toEqual({ status: 200, body: { type: 6 } });
    const autocomplete = await discordConnector.handle(
      sign(Buffer.from('{"id":"786008729715212339","type":4,"data":{"name":"cardsearch"}}')),
      ctx,
    );
    expect(autocomplete.reply).toEqual({ status: 200, body: { type: 8, data: { choices: [] } } });
    expect(autocomplete.events[0]?.type).toBe('discord.interaction.autocomplete');
  });

  const expected: Record<string, Record<string, unknown>> = {
    ping: { id: '1238917623491379240', type: 'discord.interaction.ping', actor: 'discord', time: '2024-05-11T18:16:19.416Z' },
    application_command: {
      id: '786008729715212338',
      type: 'discord.interaction.application_command',
      subject: '645027906669510667',
      title: '/cardsearch cardname=The Gitrog Monster',
      actor: 'Mason',
      time: '2020-12-08T23:18:04.500Z',
    },
    message_component: {
      id: '846462639134605312',
      type: 'discord.interaction.message_component',
      subject: '345626669114982999',
      title: 'click_one',
      actor: 'Mason',
    },
  };

  it('covers every sample', () => {
    expect(Object.keys(discordConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [sample, attributes] of Object.entries(expected)) {
    it(`normalizes ${sample}`, async () => {
      const body = loadFixture('discord', discordConnector.samples[sample] ?? '');
      const { events } = await discordConnector.handle(sign(body), ctx);
      expect(events).toEqual([
        objectContaining({ ...attributes, source: '/connectors/discord', data: JSON.parse(body.toString()) as unknown }),
      ]);
    });
  }
});

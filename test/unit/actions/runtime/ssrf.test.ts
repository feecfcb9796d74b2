import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockedDestinationError, createOutboundGuard, InvalidRequestError } from '../../../../src/actions/runtime/ssrf/guarded-fetch.ts';
import { compileNetworkPolicy } from '../../../../src/actions/runtime/ssrf/network-policy.ts';

describe('network policy', () => {
  const policy = compileNetworkPolicy();
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '224.0.0.1',
    '64:ff9b::a9fe:a9fe',
    // IPv4-compatible ::/96 (what URL parsing makes of [::127.0.0.1]), judged as the IPv4 it embeds
    '::7f00:1',
    '::a9fe:a9fe',
    '::a00:1',
    // forms whose IPv4 has no fixed place: refused whole, whatever the IPv4
    '::ffff:0:7f00:1',
    '64:ff9b:1::7f00:1',
    '64:ff9b:1::808:808',
  ])('refuses %s', (address) => {
    expect(policy.checkAddress(address, 'example.com')).toBeDefined();
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('allows public %s', (address) => {
    expect(policy.checkAddress(address, 'example.com')).toBeUndefined();
  });

  describe('IPv6 forms judged by the IPv4 they embed', () => {
    it.each([
      // NAT64 64:ff9b::/96: the last 32 bits
      ['64:ff9b::7f00:1', '127.0.0.1', 'loopback'],
      ['64:ff9b::a9fe:a9fe', '169.254.169.254', 'linkLocal'],
      ['64:ff9b::a00:1', '10.0.0.1', 'private'],
      // 6to4 2002::/16: bits 16-47, whatever follows
      ['2002:7f00:1::', '127.0.0.1', 'loopback'],
      ['2002:7f00:1::1', '127.0.0.1', 'loopback'],
      ['2002:a9fe:a9fe::', '169.254.169.254', 'linkLocal'],
      ['2002:c0a8:101:1::5', '192.168.1.1', 'private'],
      // Teredo 2001::/32: the client in the last 32 bits, inverted (0x80ff:fffe is 127.0.0.1)
      ['2001:0:4136:e378:8000:63bf:80ff:fffe', '127.0.0.1', 'loopback'],
      ['2001:0:4136:e378:8000:63bf:5601:5601', '169.254.169.254', 'linkLocal'],
      // Teredo: the server in bits 32-63, with a public client
      ['2001:0:7f00:1:8000:63bf:f7f7:f7f7', '127.0.0.1', 'loopback'],
      ['2001:0:a00:1:8000:63bf:f7f7:f7f7', '10.0.0.1', 'private'],
    ])('refuses %s, which reaches %s', (address, ipv4, range) => {
      expect(policy.checkAddress(address, 'example.com')).toBe(`${address} reaches ${ipv4}, a ${range} address`);
    });

    it.each([
      ['64:ff9b::808:808', 'NAT64 for 8.8.8.8'],
      ['64:ff9b::1.1.1.1', 'NAT64 for 1.1.1.1, as written in a URL'],
      ['2002:808:808::1', '6to4 for 8.8.8.8'],
      ['2002:101:101:5::', '6to4 for 1.1.1.1'],
      ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'Teredo: server 65.54.227.120, client 8.8.8.8'],
    ])('allows %s (%s)', (address) => {
      expect(policy.checkAddress(address, 'example.com')).toBeUndefined();
    });

    it('takes an allowlisted IPv4 through its embedded forms too', () => {
      const listed = compileNetworkPolicy({ allow: ['10.1.0.0/16'] });
      expect(listed.checkAddress('64:ff9b::a01:203', 'x')).toBeUndefined();
      expect(listed.checkAddress('2002:a01:203::1', 'x')).toBeUndefined();
      expect(listed.checkAddress('2002:a02:1::1', 'x')).toBeDefined();
    });
  });

  it('refuses metadata and localhost names before resolving', () => {
    expect(policy.checkName('metadata.google.internal')).toContain('metadata');
    expect(policy.checkName('METADATA.google.internal.')).toContain('metadata');
    expect(policy.checkName('api.localhost')).toContain('loopback');
    expect(policy.checkName('hooks.slack.com')).toBeUndefined();
  });

  it('allows listed CIDRs, addresses and host names, or all but cloud metadata with allowPrivateNetworks', () => {
    const listed = compileNetworkPolicy({ allow: ['10.1.0.0/16', '::1', 'internal.example'] });
    expect(listed.checkAddress('10.1.2.3', 'x')).toBeUndefined();
    expect(listed.checkAddress('10.2.0.1', 'x')).toBeDefined();
    expect(listed.checkAddress('::1', 'x')).toBeUndefined();
    expect(listed.checkAddress('192.168.0.1', 'internal.example')).toBeUndefined();
    expect(compileNetworkPolicy({ allowPrivateNetworks: true }).checkAddress('127.0.0.1', 'x')).toBeUndefined();
  });

  it('keeps cloud metadata refused with allowPrivateNetworks or a range that covers it, unless listed exactly', () => {
    const open = compileNetworkPolicy({ allowPrivateNetworks: true, allow: ['169.254.0.0/16', 'fd00::/8', '100.64.0.0/10'] });
    expect(open.checkAddress('10.0.0.1', 'x')).toBeUndefined();
    for (const address of [
      '169.254.169.254',
      'fe80::1',
      '::ffff:169.254.169.254',
      '64:ff9b::a9fe:a9fe',
      'fd00:ec2::254',
      '100.100.100.200',
    ])
      expect(open.checkAddress(address, 'x'), address).toMatch(/cloud metadata|linkLocal/);
    expect(open.checkName('metadata.google.internal')).toContain('cloud metadata');
    const exact = compileNetworkPolicy({ allow: ['169.254.169.254', 'fd00:ec2::254', 'metadata.google.internal'] });
    expect(exact.checkAddress('169.254.169.254', 'x')).toBeUndefined();
    expect(exact.checkAddress('fd00:ec2:0::254', 'x')).toBeUndefined();
    expect(exact.checkAddress('169.254.169.253', 'x')).toBeDefined();
    expect(exact.checkName('metadata.google.internal')).toBeUndefined();
    expect(exact.checkAddress('169.254.169.254', 'metadata.google.internal')).toBeUndefined();
    // Any other listed name opens private addresses, not metadata: it may come to resolve there.
    const named = compileNetworkPolicy({ allow: ['hooks.internal.example'] });
    expect(named.checkAddress('10.0.0.7', 'hooks.internal.example')).toBeUndefined();
    expect(named.checkAddress('169.254.169.254', 'hooks.internal.example')).toMatch(/linkLocal/);
    expect(open.checkAddress('64:ff9b::6464:64c8', 'x')).toBe('64:ff9b::6464:64c8 reaches 100.100.100.200, a cloud metadata address');
  });
});

describe('guarded fetch', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits += 1;
      if (req.url === '/redirect') res.writeHead(302, { location: 'http://127.0.0.1/' }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok ${req.method}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['127.0.0.1', (p: number) => `http://127.0.0.1:${p}/`],
    ['169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
    ['[::1]', (p: number) => `http://[::1]:${p}/`],
    ['[::127.0.0.1]', (p: number) => `http://[::127.0.0.1]:${p}/`],
    ['[64:ff9b::127.0.0.1]', (p: number) => `http://[64:ff9b::127.0.0.1]:${p}/`],
    ['[2002:7f00:1::]', (p: number) => `http://[2002:7f00:1::]:${p}/`],
    ['[2002:a9fe:a9fe::]', () => 'http://[2002:a9fe:a9fe::]/latest/meta-data/'],
    ['a name resolving to loopback', (p: number) => `http://localhost:${p}/`],
    ['a decimal IPv4 literal', (p: number) => `http://2130706433:${p}/`],
    ['metadata.google.internal', () => 'http://metadata.google.internal/computeMetadata/v1/'],
  ])('blocks %s', async (_name, url) => {
    const guard = createOutboundGuard();
    const before = hits;
    await expect(guard.fetch(url(port), { method: 'POST', body: 'x' })).rejects.toBeInstanceOf(BlockedDestinationError);
    expect(hits).toBe(before);
    guard.close();
  });

  it('blocks a public-looking name whose DNS answer is private (checked, not trusted)', async () => {
    const guard = createOutboundGuard(
      {},
      {
        resolveHost: () =>
          Promise.resolve([
            { address: '93.184.216.34', family: 4 },
            { address: '10.0.0.7', family: 4 },
          ]),
      },
    );
    await expect(guard.fetch('http://rebind.example/')).rejects.toThrow(/10\.0\.0\.7 is a private address/);
    guard.close();
  });

  it('says how to allow a refused local destination, but not a metadata endpoint', async () => {
    const guard = createOutboundGuard();
    const allowHint = (host: string) => `list "${host}" in delivery.allowlist in hookhub.yaml`;
    await expect(guard.fetch(`http://127.0.0.1:${port}/hook`)).rejects.toThrow(allowHint('127.0.0.1'));
    await expect(guard.fetch(`http://localhost:${port}/hook`)).rejects.toThrow(allowHint('localhost'));
    const refusal = (url: string) =>
      guard.fetch(url).then(
        () => 'sent',
        (e: unknown) => (e as Error).message,
      );
    expect(await refusal('http://169.254.169.254/latest/meta-data/')).toMatch(/^refused 169\.254\.169\.254: [^;]*$/);
    expect(await refusal('http://metadata.google.internal/')).toMatch(/^refused metadata\.google\.internal: [^;]*$/);
    guard.close();
  });

  it('connects to the checked address, not a fresh DNS answer', async () => {
    // The name "sink.test" does not exist: only the pinned answer from the policy check can reach the server.
    const guard = createOutboundGuard(
      { allow: ['127.0.0.1'] },
      { resolveHost: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) },
    );
    const response = await guard.fetch(`http://sink.test:${port}/x`, { method: 'POST', body: 'hi' });
    expect(await response.text()).toBe('ok POST');
    guard.close();
  });

  it('reaches an allowlisted local server and never follows redirects', async () => {
    const guard = createOutboundGuard({ allow: ['127.0.0.1'] });
    expect((await guard.fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    const redirect = await guard.fetch(`http://127.0.0.1:${port}/redirect`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('http://127.0.0.1/');
    guard.close();
  });

  it('sends a request again, once, on a new connection when the destination closed the pooled one', async () => {
    const served: string[] = [];
    let attempts = 0;
    let dropAll = false;
    const requestsOn = new WeakMap<object, number>();
    const closing = createServer((req, res) => {
      attempts += 1;
      const n = (requestsOn.get(req.socket) ?? 0) + 1;
      requestsOn.set(req.socket, n);
      // As if its keep-alive timeout closed the idle connection just as the request came.
      if (n > 1 || dropAll) return void req.socket.destroy();
      served.push(req.url ?? '');
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(closing.address() as AddressInfo).port}`;
    const guard = createOutboundGuard({ allow: ['127.0.0.1'] });
    try {
      expect((await guard.fetch(`${base}/1`, { method: 'POST', body: 'a' })).status).toBe(200);
      expect((await guard.fetch(`${base}/2`, { method: 'POST', body: 'b' })).status).toBe(200);
      expect(served).toEqual(['/1', '/2']);
      expect(attempts).toBe(3);
      // Once: a destination that drops every request fails it, after two tries.
      dropAll = true;
      await expect(guard.fetch(`${base}/3`, { method: 'POST', body: 'c' })).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(attempts).toBe(5);
    } finally {
      guard.close();
      closing.closeAllConnections();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    }
  });

  it('refuses requests that can never be sent as permanent errors (bad URL, header with a newline)', async () => {
    const guard = createOutboundGuard({ allow: ['127.0.0.1'] });
    await expect(guard.fetch('')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(guard.fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-title': 'a\u2603' } })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(guard.fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-title': 'a\r\nx-evil: 1' } })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    guard.close();
  });

  it('does not repeat an invalid URL, which may hold a resolved secret, in its error', async () => {
    const guard = createOutboundGuard({ allowPrivateNetworks: true });
    // A template that rendered its host empty, in front of a secret path and key.
    const failure = (url: string) =>
      guard.fetch(url).then(
        () => new Error('sent'),
        (e: unknown) => e as Error,
      );
    const error = await failure('/services/T0/B0/s3cr3tPath?key=s3cr3tKey');
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).not.toMatch(/s3cr3t/);
    expect(error.message).toMatch(/http:\/\/ or https:\/\//);
    expect((await failure('')).message).toMatch(/empty/);
    guard.close();
  });

  it('refuses non-HTTP schemes', async () => {
    const guard = createOutboundGuard({ allowPrivateNetworks: true });
    await expect(guard.fetch('file:///etc/passwd')).rejects.toBeInstanceOf(BlockedDestinationError);
    guard.close();
  });
});

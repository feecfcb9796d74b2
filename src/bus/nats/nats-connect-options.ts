import { readFile } from 'node:fs/promises';
import {
  credsAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
  type Authenticator,
  type ConnectionOptions,
  type TlsOptions,
} from '@nats-io/transport-node';
import type { NatsAuth, NatsTls } from '../../config/nats-bus-schema.ts';
import { checkDialledServerIdentity } from './nats-tls-identity.ts';

/** Where and how to connect: what `bus.url`, `bus.auth` and `bus.tls` say. */
export interface NatsEndpoint {
  /** One server or a comma-separated list: `nats://a:4222,tls://b:4222`. */
  url: string;
  auth?: NatsAuth | undefined;
  tls?: NatsTls | undefined;
}

export function serverList(url: string): string[] {
  return url
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The server list as it may be logged or shown on /readyz: any `user:password@` is dropped. */
export function describeServers(url: string): string {
  return serverList(url)
    .map((entry) => entry.replace(/^([a-z]+:\/\/)?[^@/]*@/i, '$1'))
    .join(',');
}

/**
 * The nats.js options for an endpoint. Secrets go into authenticators only; nothing here is logged.
 * A `tls://` server, or any `bus.tls`, makes TLS mandatory (the client refuses a server without it).
 * `credentialsRead` is given the JWT and NKey seed of `bus.auth.credsFile` (which hookhub.yaml does not
 * show), read here once, so the hub masks them where a destination echoes them.
 * https://github.com/nats-io/nats.js/blob/main/core/README.md#authentication
 */
export async function connectionOptions(
  endpoint: NatsEndpoint,
  credentialsRead?: (secrets: readonly string[]) => void,
): Promise<Partial<ConnectionOptions>> {
  const servers = serverList(endpoint.url);
  const wantsTls = endpoint.tls !== undefined || servers.some((s) => s.toLowerCase().startsWith('tls://'));
  const authenticator = endpoint.auth ? await buildAuthenticator(endpoint.auth, credentialsRead) : undefined;
  return {
    servers,
    ...(authenticator ? { authenticator } : {}),
    ...(wantsTls ? { tls: await tlsOptions(endpoint.tls ?? {}) } : {}),
  };
}

async function buildAuthenticator(auth: NatsAuth, credentialsRead?: (secrets: readonly string[]) => void): Promise<Authenticator> {
  if (auth.token !== undefined) return tokenAuthenticator(auth.token);
  if (auth.nkeySeed !== undefined) return nkeyAuthenticator(new TextEncoder().encode(auth.nkeySeed));
  if (auth.credsFile !== undefined) {
    const creds = await readSetting('bus.auth.credsFile', auth.credsFile);
    const authenticator = checkedCreds(auth.credsFile, creds);
    credentialsRead?.(credsBlocks(creds.toString('utf8')));
    return authenticator;
  }
  return usernamePasswordAuthenticator(auth.user ?? '', auth.password ?? '');
}

/** The client reads a creds file only when the server asks for it, and then says "unable to parse credentials": check it now. */
function checkedCreds(path: string, creds: Uint8Array): Authenticator {
  const authenticator = credsAuthenticator(creds);
  try {
    authenticator('hookhub-check');
  } catch (err) {
    throw new Error(
      `bus.auth.credsFile ${path} is not a NATS credentials file (${(err as Error).message}): ` +
        "it must hold the user's JWT and its NKey seed, each between its -----BEGIN and -----END lines",
      { cause: err },
    );
  }
  return authenticator;
}

/**
 * What a creds file holds between its `-----BEGIN …-----` and `------END …------` lines: the user's JWT, then
 * its NKey seed (the file's other lines are a notice anyone may read). The lines as nats.js's own reader
 * (credsAuthenticator) takes them, which keeps them to itself.
 */
function credsBlocks(text: string): string[] {
  return [...text.matchAll(/-{3,}[^\n]*-{3,}\r?\n\s*(\S+)\s*\r?\n\s*-{3,}[^\n]*-{3,}/g)].map((match) => match[1] ?? '');
}

/** A file a setting names; the error names the setting and the path (never the content). */
async function readSetting(setting: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new Error(`cannot read ${setting} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Each of ca/cert/key is a file path or, when it holds a PEM block (e.g. from an env var), the PEM itself.
 * Files are read here rather than by the client, whose error for a missing one names no setting.
 * A server given by its IP address is checked against the certificate's IP entries.
 */
async function tlsOptions(tls: NatsTls): Promise<TlsOptions & { checkServerIdentity: typeof checkDialledServerIdentity }> {
  const pick = async (value: string | undefined, field: 'ca' | 'cert' | 'key') => {
    if (value === undefined) return {};
    const pem = value.includes('-----BEGIN') ? value : (await readSetting(`bus.tls.${field}`, value)).toString('utf8');
    return { [field]: pem };
  };
  return {
    ...(await pick(tls.ca, 'ca')),
    ...(await pick(tls.cert, 'cert')),
    ...(await pick(tls.key, 'key')),
    // The client hands every key on to Node's TLS connect, this one too.
    checkServerIdentity: checkDialledServerIdentity,
  };
}

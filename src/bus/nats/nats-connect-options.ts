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
 * https://github.com/nats-io/nats.js/blob/main/core/README.md#authentication
 */
export async function connectionOptions(endpoint: NatsEndpoint): Promise<Partial<ConnectionOptions>> {
  const servers = serverList(endpoint.url);
  const wantsTls = endpoint.tls !== undefined || servers.some((s) => s.toLowerCase().startsWith('tls://'));
  const authenticator = endpoint.auth ? await buildAuthenticator(endpoint.auth) : undefined;
  return {
    servers,
    ...(authenticator ? { authenticator } : {}),
    ...(wantsTls ? { tls: tlsOptions(endpoint.tls ?? {}) } : {}),
  };
}

async function buildAuthenticator(auth: NatsAuth): Promise<Authenticator> {
  if (auth.token !== undefined) return tokenAuthenticator(auth.token);
  if (auth.nkeySeed !== undefined) return nkeyAuthenticator(new TextEncoder().encode(auth.nkeySeed));
  if (auth.credsFile !== undefined) return credsAuthenticator(await readCreds(auth.credsFile));
  return usernamePasswordAuthenticator(auth.user ?? '', auth.password ?? '');
}

async function readCreds(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new Error(`cannot read bus.auth.credsFile ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
}

/** Each of ca/cert/key is a file path or, when it holds a PEM block (e.g. from an env var), the PEM itself. */
function tlsOptions(tls: NatsTls): TlsOptions {
  const pick = (value: string | undefined, inline: 'ca' | 'cert' | 'key', file: 'caFile' | 'certFile' | 'keyFile') =>
    value === undefined ? {} : value.includes('-----BEGIN') ? { [inline]: value } : { [file]: value };
  return { ...pick(tls.ca, 'ca', 'caFile'), ...pick(tls.cert, 'cert', 'certFile'), ...pick(tls.key, 'key', 'keyFile') };
}

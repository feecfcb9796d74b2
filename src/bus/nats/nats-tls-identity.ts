import type { Socket } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';

/** What Node's TLS client holds when it checks a certificate: the options it was connected with. */
interface TlsConnectOptions {
  servername?: string;
  host?: string;
  socket?: Socket;
}

/**
 * Checks a NATS server's certificate against the IP address the hub dialled, when bus.url gives one.
 * For an IP the client sends no SNI (RFC 6066 allows none) and upgrades a socket it already connected,
 * so Node, given neither a servername nor a host, checks the name "localhost" instead (nats.js#303): a
 * certificate for 127.0.0.1 was refused, and one naming localhost passed for any address. Node calls
 * this as a method of those connect options, whose socket knows the peer; without it, Node's own check.
 */
export function checkDialledServerIdentity(
  this: TlsConnectOptions | undefined,
  hostname: string,
  cert: PeerCertificate,
): Error | undefined {
  const named = Boolean(this?.servername) || Boolean(this?.host);
  // A dual-stack socket may name an IPv4 peer IPv4-mapped (::ffff:a.b.c.d), which no IPv4 entry matches.
  const dialled = named ? undefined : this?.socket?.remoteAddress?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return checkServerIdentity(dialled ?? hostname, cert);
}

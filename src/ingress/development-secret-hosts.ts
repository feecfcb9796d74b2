import { isIP } from 'node:net';
import type { ConnectorInstance } from './hooks-route.ts';

/**
 * A connector that still runs on the example config's development secret takes only requests addressed
 * to this machine by name or address: localhost (and `*.localhost`), an IP address, or the host of
 * `server.publicUrl`. Anyone can read that secret, and a web page the operator visits can reach a
 * loopback hub by DNS rebinding (its own name, re-pointed at 127.0.0.1), with the page's name in Host.
 * Returns the refusal to answer, or undefined when the request may go on.
 */
export function developmentSecretRefusal(
  instance: ConnectorInstance,
  hostHeader: string | undefined,
  publicUrl: string | undefined,
): string | undefined {
  const variable = instance.developmentSecret;
  if (variable === undefined || hostHeader === undefined) return undefined;
  const host = hostName(hostHeader);
  if (isMachineHost(host) || host === publicHostName(publicUrl)) return undefined;
  return (
    `connector "${instance.name}" still uses the development secret from the example config, so it takes only ` +
    `requests addressed to localhost, an IP address or server.publicUrl's host, not ${JSON.stringify(hostHeader.slice(0, 100))}; ` +
    `set ${variable} to a real secret (the one set at the provider), or server.publicUrl to the address providers use`
  );
}

/** The name in a Host header, lowercase, without its port, brackets or trailing dot. */
function hostName(header: string): string {
  const lower = header.trim().toLowerCase();
  const name = lower.startsWith('[') ? lower.slice(1, lower.indexOf(']')) : lower.replace(/:\d*$/, '');
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** Names no DNS answer can re-point: browsers resolve `localhost` and `*.localhost` to loopback themselves. */
function isMachineHost(host: string): boolean {
  return isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost');
}

function publicHostName(publicUrl: string | undefined): string | undefined {
  if (publicUrl === undefined) return undefined;
  try {
    return hostName(new URL(publicUrl).host);
  } catch {
    return undefined;
  }
}

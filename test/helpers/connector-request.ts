import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Connector, ConnectorContext, WebhookRequest } from '../../connectors/connector.ts';

const CONNECTORS_DIR = fileURLToPath(new URL('../../connectors/', import.meta.url));

/** The raw bytes of `connectors/<type>/fixtures/<file>`. */
export function loadFixture(type: string, file: string): Buffer {
  return readFileSync(`${CONNECTORS_DIR}${type}/fixtures/${file}`);
}

/** A context whose config went through the connector's own schema, with a fixed clock. */
export function connectorContext<C extends { type: string }>(
  connector: Connector<C>,
  rawConfig: Record<string, unknown>,
  now: Date,
  name = 'test',
): ConnectorContext<C> {
  return { name, config: connector.configSchema.parse(rawConfig), now: () => now };
}

/**
 * A request signed by the connector's own `sign()` (the provider's side) under `signCtx`,
 * header names lowercased as the ingress does, with `changes` applied afterwards
 * (a name mapped to undefined is removed).
 */
export function signedRequest<C extends { type: string }>(
  connector: Connector<C>,
  signCtx: ConnectorContext<C>,
  body: Buffer,
  meta: { id: string; event: string },
  changes: Record<string, string | undefined> = {},
): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  const all = { ...connector.sign(body, signCtx, meta), ...changes };
  for (const [name, value] of Object.entries(all)) {
    if (value === undefined) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = value;
  }
  return { method: 'POST', url: `/hooks/${signCtx.name}`, headers, body };
}

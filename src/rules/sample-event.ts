import { readFile } from 'node:fs/promises';
import { connectorRegistry } from '../../connectors/index.ts';
import type { Connector } from '../../connectors/connector.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { metaSample } from '../meta/meta-samples.ts';

export type ConnectorBlocks = Readonly<Record<string, { type: string } & Record<string, unknown>>>;

export interface SampleRequest {
  /** `<connector>:<provider event>`, e.g. `github:pull_request` or `stripe:payment_intent.succeeded`. */
  spec: string;
  /** A raw provider payload to use instead of the connector's bundled sample. */
  body?: Buffer;
  /** Connector blocks from hookhub.yaml (by name), with their secrets. */
  connectors: ConnectorBlocks;
  now: () => Date;
}

/**
 * Builds the HubEvents hookhub would store for a provider payload: the connector signs it as the
 * provider would and handles it, exactly as at ingress, so title, url, actor and the type are real.
 * Nothing leaves the process.
 */
export async function sampleEvents(request: SampleRequest): Promise<HubEvent[]> {
  const [name = '', event = ''] = request.spec.split(/:(.*)/s);
  // The hub's own events (`hookhub:job.dead_lettered`) come from no connector.
  if (name === 'hookhub' && !request.connectors.hookhub) return [metaSample(event, request.now(), `dry-run-${request.now().getTime()}`)];
  const found = Object.entries(request.connectors).find(([n, block]) => n === name || block.type === name);
  if (!found)
    throw new Error(
      `no connector named or typed "${name}" in hookhub.yaml; configured: ${Object.keys(request.connectors).join(', ') || 'none'}`,
    );
  const [instance, block] = found;
  const connector = (connectorRegistry as Record<string, Connector<{ type: string }>>)[block.type];
  if (!connector) throw new Error(`unknown connector type "${block.type}"`);
  const sample = connector.samples[event];
  if (!request.body && !sample) {
    throw new Error(
      `no bundled "${event}" sample for ${block.type}; samples: ${Object.keys(connector.samples).join(', ')} (or pass the payload with --event)`,
    );
  }
  const id = `dry-run-${request.now().getTime()}`;
  let body = request.body ?? (await readFile(new URL(`../../connectors/${block.type}/fixtures/${sample}`, import.meta.url)));
  if (!request.body && connector.prepareSample) body = connector.prepareSample(body, { id, now: request.now() });
  const ctx = { name: instance, config: connector.configSchema.parse(block), now: request.now };
  const headers = connector.sign(body, ctx, { id, event });
  const result = await connector.handle({ method: 'POST', url: `/hooks/${instance}`, headers: lowercase(headers), body }, ctx);
  if (result.events.length === 0) throw new Error(`${block.type} produced no event for "${event}" (a handshake such as ping?)`);
  return result.events;
}

function lowercase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

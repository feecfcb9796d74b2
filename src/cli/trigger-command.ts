import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { connectorRegistry } from '../../connectors/index.ts';
import type { Connector } from '../../connectors/connector.ts';
import { readEnv, type HubEnv } from '../config/env.ts';
import { loadConfig, type ConnectorConfig, type HubConfig } from '../config/load-config.ts';
import { resolveApiToken } from './api-token.ts';
import { configPathOption } from './config-path.ts';
import { reasonOf } from './listen/forward-event.ts';

interface TriggerOptions {
  config?: string;
  url?: string;
  id?: string;
  token?: string;
}

/** `hookhub trigger <connector> <event>`: signs a bundled sample as the provider would and POSTs it, like `stripe trigger`. */
export function registerTriggerCommand(program: Command): void {
  program
    .command('trigger <connector> <event>')
    .description('sign a bundled sample payload and POST it to a running hub (connector: a name from hookhub.yaml or a type)')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--url <base>', 'hub base URL (default http://127.0.0.1:<server.port>)')
    .option('--id <deliveryId>', 'delivery id to send (default: a new UUID)')
    .option('--token <token>', "for `trigger hookhub <type>`: an admin API token (default $HOOKHUB_TOKEN or the local hub's)")
    .action(async (name: string, event: string, opts: TriggerOptions) => {
      const env = readEnv();
      const config = await loadConfig(configPathOption(opts.config, env), env);
      if (name === 'hookhub' && !config.connectors.hookhub) return triggerMeta(event, opts, env, config);
      const [instanceName, block] = findInstance(config.connectors, name);
      const connector = (connectorRegistry as Record<string, Connector>)[block.type]!;
      const sample = connector.samples[event];
      if (!sample) throw new Error(`no "${event}" sample for ${block.type}; available: ${Object.keys(connector.samples).join(', ')}`);
      const id = opts.id ?? randomUUID();
      const fixture = await readFile(new URL(`../../connectors/${block.type}/fixtures/${sample}`, import.meta.url));
      const prepared = connector.prepareSample ? connector.prepareSample(fixture, { id, now: new Date() }) : fixture;
      const body = connector.signsOnlyBody?.(block) === true ? markedSample(prepared, id) : prepared;
      const ctx = { name: instanceName, config: block, now: () => new Date() };
      const headers = connector.sign(body, ctx, { id, event });
      const base = opts.url ?? `http://127.0.0.1:${config.server.port}`;
      const response = await postToHub(base, `/hooks/${instanceName}`, { headers, body: new Uint8Array(body) });
      await printAnswer(response, response.status === 401 ? signatureHint(instanceName, config.file, base) : undefined);
    });
}

/** The hub's answer: a 2xx is the result (stdout); any other is an error, on stderr with its hint and exit 1 (DESIGN §3). */
async function printAnswer(response: Response, hint?: string): Promise<void> {
  const answer = `${response.status} ${await response.text()}`;
  if (response.ok) return void process.stdout.write(`${answer}\n`);
  process.stderr.write(`error: the hub answered ${answer}\n${hint === undefined ? '' : `${hint}\n`}`);
  process.exitCode = 1;
}

/** A 401 to a sample this command signed: the two sides hold different secrets, which the hub cannot say to a caller it does not trust. */
function signatureHint(name: string, file: string, base: string): string {
  return (
    `the hub at ${base} refused the signature: trigger signed with connectors.${name}.secret as ${file} and this shell's ` +
    "environment give it; give the hub the same secret, or pass --config with the hub's own hookhub.yaml"
  );
}

/**
 * The hub catches a replayed body of a provider that signs only the body, whatever its delivery id,
 * so each trigger marks its sample with its own id: triggering twice sends two events, not a replay.
 */
function markedSample(body: Buffer, id: string): Buffer {
  const json: unknown = JSON.parse(body.toString('utf8'));
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return body;
  return Buffer.from(JSON.stringify({ ...json, hookhub_trigger: id }));
}

function findInstance(blocks: Record<string, ConnectorConfig>, name: string): [string, ConnectorConfig] {
  const byName = blocks[name];
  if (byName) return [name, byName];
  const byType = Object.entries(blocks).find(([, block]) => block.type === name);
  if (byType) return byType;
  throw new Error(`no connector named or typed "${name}" in the config; configured: ${Object.keys(blocks).join(', ') || 'none'}`);
}

/** `trigger hookhub job.dead_lettered`: the hub's own events come from no connector, so the hub publishes a sample (admin API). */
async function triggerMeta(type: string, opts: TriggerOptions, env: HubEnv, config: HubConfig): Promise<void> {
  const base = opts.url ?? `http://127.0.0.1:${config.server.port}`;
  const token = await resolveApiToken(opts.token, env, base, config);
  if (!token) throw new Error('trigger hookhub needs an admin API token: pass --token or set HOOKHUB_TOKEN');
  const response = await postToHub(base, '/api/meta-events/sample', {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type }),
  });
  await printAnswer(response);
}

/** POSTs to the running hub; one that is not there gets what to check, not a bare "fetch failed". */
async function postToHub(base: string, path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(`${base}${path}`, { ...init, method: 'POST' });
  } catch (err) {
    throw new Error(`cannot reach the hub at ${base} (${reasonOf(err)}): is it running (hookhub start)? check --url or server.port`, {
      cause: err,
    });
  }
}

import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { BusConfig } from './config-schema.ts';
import type { HubEnv } from './env.ts';
import type { HubConfig } from './load-config.ts';
import { NatsBusSchema, serverListProblem, type NatsBusConfig } from './nats-bus-schema.ts';

/** Decimal digits for 1–65535 only: `Number()` reads " " as 0 (a random port) and 0x1F90 as 8080. */
function portOverride(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : 0;
  if (port >= 1 && port <= 65535) return port;
  throw configProblems([`PORT: ${JSON.stringify(text.slice(0, 20))} is not a port number (decimal digits, 1 to 65535)`]);
}

/** The environment's overrides of hookhub.yaml (PORT, HOOKHUB_NATS_URL, HOOKHUB_DATA_DIR), and its paths made absolute. */
export function applyOverrides(file: string, config: HubConfig, env: HubEnv): HubConfig {
  const base = dirname(file);
  const abs = (p: string) => (isAbsolute(p) ? p : join(base, p));
  let bus: BusConfig = config.bus;
  if (env.natsUrl) bus = natsFromEnv(bus, env.natsUrl);
  if (bus.type === 'nats') bus = withNatsPaths(bus, abs);
  else bus = { ...bus, path: env.dataDir ? join(resolve(env.dataDir), 'hookhub.db') : abs(bus.path) };
  const port = portOverride(env.port);
  const server = port !== undefined ? { ...config.server, port } : config.server;
  return { ...config, server, bus, rulesDir: abs(config.rules), ...(env.dataDir ? { dataDir: resolve(env.dataDir) } : {}) };
}

/** HOOKHUB_NATS_URL switches the bus to NATS; auth, TLS and replicas from hookhub.yaml still apply. */
function natsFromEnv(bus: BusConfig, url: string): NatsBusConfig {
  const problem = serverListProblem(url);
  if (problem !== undefined) throw configProblems([`HOOKHUB_NATS_URL: ${problem}`]);
  return bus.type === 'nats' ? { ...bus, url } : NatsBusSchema.parse({ type: 'nats', url, retention: bus.retention });
}

/** credsFile and TLS files are relative to hookhub.yaml; PEM text given inline stays as it is. */
function withNatsPaths(bus: NatsBusConfig, abs: (p: string) => string): NatsBusConfig {
  const file = (value: string | undefined) => (value === undefined || value.includes('-----BEGIN') ? value : abs(value));
  const auth = bus.auth?.credsFile !== undefined ? { ...bus.auth, credsFile: abs(bus.auth.credsFile) } : bus.auth;
  const tls = bus.tls && { ...bus.tls, ca: file(bus.tls.ca), cert: file(bus.tls.cert), key: file(bus.tls.key) };
  return { ...bus, ...(auth ? { auth } : {}), ...(tls ? { tls } : {}) };
}

export function configProblems(problems: string[]): ConfigError {
  const head = problems.length === 1 ? 'invalid configuration' : `invalid configuration (${problems.length} problems)`;
  const error = new ConfigError(`${head}:\n  ${problems.join('\n  ')}`);
  return Object.assign(error, { problems });
}

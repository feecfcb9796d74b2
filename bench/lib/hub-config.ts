/** Writes a hookhub.yaml (and an optional rules folder) into a temp folder for a child hub. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const BENCH_SECRET = 'bench-github-secret';

export type BusChoice = { type: 'embedded'; path: string } | { type: 'nats'; url: string; replicas?: number };

export interface HubConfigSpec {
  dir: string;
  bus: BusChoice;
  /** connector name -> block (type + secrets). Default: one `github` connector. */
  connectors?: Record<string, Record<string, unknown>>;
  /** Rule files (name -> YAML object) written to <dir>/rules. */
  rules?: Record<string, unknown>;
  /** Hosts private delivery may reach (the local sink). */
  allowlist?: readonly string[];
  /** delivery.timeout (per attempt), e.g. `2s`. */
  deliveryTimeout?: string;
  /** readiness.stallAfter, e.g. `3s` (fault tests that watch /readyz report a stall). */
  stallAfter?: string;
  port?: number;
}

/** Returns the path of the written config file. */
export function writeHubConfig(spec: HubConfigSpec): string {
  const rulesDir = join(spec.dir, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  for (const [name, content] of Object.entries(spec.rules ?? {})) writeFileSync(join(rulesDir, name), stringify(content));
  const config = {
    server: { port: spec.port ?? 0, host: '127.0.0.1', bodyLimit: '1mb' },
    bus: spec.bus,
    connectors: spec.connectors ?? { github: { type: 'github', secret: BENCH_SECRET } },
    rules: rulesDir,
    ...(spec.allowlist || spec.deliveryTimeout
      ? {
          delivery: {
            ...(spec.allowlist ? { allowlist: [...spec.allowlist] } : {}),
            ...(spec.deliveryTimeout ? { timeout: spec.deliveryTimeout } : {}),
          },
        }
      : {}),
    ...(spec.stallAfter ? { readiness: { stallAfter: spec.stallAfter } } : {}),
  };
  const file = join(spec.dir, 'hookhub.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/**
 * A rule that sends every GitHub event to `sinkUrl` with the webhook action (idempotency-key = job id).
 * `policy` adds webhook params such as `retry`, `timeout` or `concurrency`.
 */
export function sinkRule(sinkUrl: string, policy: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    rules: [
      {
        name: 'to-sink',
        on: ['github.**'],
        do: [{ webhook: { url: sinkUrl, body: { id: '{{id}}', type: '{{type}}' }, ...policy } }],
      },
    ],
  };
}

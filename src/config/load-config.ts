import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { connectorRegistry } from '../../connectors/index.ts';
import { ChannelSchema, type Channel } from '../actions/notify/channel-schema.ts';
import { unknownMappedChannels } from '../subscriptions/settings.ts';
import { unknownTeamConnectors } from '../subscriptions/scope/teams-setting.ts';
import { HubConfigSchema, type BusConfig, type HubConfigInput } from './config-schema.ts';
import type { HubEnv } from './env.ts';
import { describeMissing, interpolateEnv, maskEnvReferences } from './interpolate.ts';
import { didYouMean } from '../shared/closest-match.ts';
import { emptySectionHint, emptySectionTaking, isEmptyAt, strayKeyHint } from './empty-section.ts';
import { schemaKeysAt } from './schema-keys-at.ts';
import { at, locate, locateKey, parseLocated, type LocatedDocument } from './yaml-location.ts';
import { applyOverrides, configProblems } from './env-overrides.ts';

export type ConnectorConfig = { type: string } & Record<string, unknown>;

export interface HubConfig extends Omit<HubConfigInput, 'connectors' | 'channels' | 'bus'> {
  /** Absolute path of the file this came from. */
  file: string;
  bus: BusConfig;
  connectors: Record<string, ConnectorConfig>;
  channels: Record<string, Channel>;
  /** Absolute path of the rules folder. */
  rulesDir: string;
  /** HOOKHUB_DATA_DIR, absolute: where the hub keeps its own files (admin-token, listen-secret) on either bus. */
  dataDir?: string;
  /** Connector fields whose value is the file's `${VAR:-default}` fallback (VAR unset or empty): development defaults. */
  developmentDefaults: readonly { where: string; variable: string }[];
}

/** Reads, interpolates and validates hookhub.yaml. Throws one ConfigError listing every problem as file:line:col. */
export async function loadConfig(path: string, env: HubEnv): Promise<HubConfig> {
  const file = resolve(path);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    const hint = err.code === 'ENOENT' ? ' (create it, or pass --config <file> / HOOKHUB_CONFIG)' : '';
    throw new ConfigError(`cannot read config: ${err.message}${hint}`, file);
  });
  return parseConfig(file, text, env);
}

export function parseConfig(file: string, text: string, env: HubEnv): HubConfig {
  const masked = maskEnvReferences(text);
  const defaulted = new Map<string, string>();
  const { located, problems } = parseLocated(file, masked.text);
  if (problems.length > 0) throw configProblems(problems);
  const unset = interpolateEnv(located.doc, masked.references, env.vars, defaulted).map((miss) => ({
    where: at(located, miss.offset),
    name: miss.name,
  }));
  // Every problem at once: an unset variable hides no other problem, and its empty value adds none of its own.
  const fail = (more: string[]) =>
    configProblems([
      ...unset.map((u) => `${u.where}: ${describeMissing(u.name, env.vars)}`),
      ...more.filter((p) => !unset.some((u) => p.startsWith(`${u.where}: `))),
    ]);
  const raw = toPlain(located);
  const parsed = HubConfigSchema.safeParse(raw);
  if (!parsed.success) throw fail([...describeIssues(located, [], parsed.error.issues, HubConfigSchema), ...blockProblems(located, raw)]);
  const entryProblems: string[] = [];
  const connectors = validateEntries<ConnectorConfig>(located, 'connectors', parsed.data.connectors, connectorSchema, entryProblems);
  const channels = validateEntries<Channel>(located, 'channels', parsed.data.channels, () => ChannelSchema, entryProblems);
  for (const { id, message } of unknownMappedChannels(parsed.data.subscriptions?.channels ?? {}, Object.keys(parsed.data.channels)))
    entryProblems.push(`${locate(located, ['subscriptions', 'channels', id])}: ${message} (at subscriptions.channels.${id})`);
  for (const { path, message } of unknownTeamConnectors(parsed.data.subscriptions?.teams ?? {}, parsed.data.connectors))
    entryProblems.push(`${locate(located, ['subscriptions', 'teams', ...path])}: ${message} (at subscriptions.teams.${path[0]})`);
  if (unset.length > 0 || entryProblems.length > 0) throw fail(entryProblems);
  const developmentDefaults = defaultedFields(connectors, defaulted);
  return applyOverrides(file, { ...parsed.data, connectors, channels, file, rulesDir: '', bus: parsed.data.bus, developmentDefaults }, env);
}

/** A section's blocks by name, names unchecked: enough to check each block while the rest of the file is invalid. */
const LooseBlocksSchema = z.record(z.string(), z.object({ type: z.string().min(1) }).passthrough());

/** The connector and channel blocks' own problems, so an error elsewhere in the file does not hide them until it is fixed. */
function blockProblems(located: LocatedDocument, raw: unknown): string[] {
  const problems: string[] = [];
  const sections = (raw ?? {}) as { connectors?: unknown; channels?: unknown };
  const connectors = LooseBlocksSchema.safeParse(sections.connectors ?? {});
  if (connectors.success) validateEntries(located, 'connectors', connectors.data, connectorSchema, problems);
  const channels = LooseBlocksSchema.safeParse(sections.channels ?? {});
  if (channels.success) validateEntries(located, 'channels', channels.data, () => ChannelSchema, problems);
  return problems;
}

/** Connector secret fields (each connector's `secretFields`) whose value came from a `${VAR:-default}` fallback. */
function defaultedFields(
  connectors: Record<string, ConnectorConfig>,
  defaulted: ReadonlyMap<string, string>,
): { where: string; variable: string }[] {
  if (defaulted.size === 0) return [];
  const found: { where: string; variable: string }[] = [];
  for (const [name, block] of Object.entries(connectors)) {
    const fields = connectorRegistry[block.type as keyof typeof connectorRegistry]?.secretFields ?? [];
    for (const field of fields) {
      const value = field
        .split('.')
        .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), block);
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        const variable = typeof v === 'string' ? defaulted.get(v) : undefined;
        if (variable) found.push({ where: `connectors.${name}.${field}`, variable });
      }
    }
  }
  return found;
}

function toPlain(located: LocatedDocument): unknown {
  try {
    // The alias cap stops "billion laughs" documents from expanding into gigabytes.
    return located.doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    const message =
      err instanceof ReferenceError ? 'too many alias expansions (over 100): refusing a possible alias bomb' : (err as Error).message;
    throw configProblems([`${located.file}:1:1: ${message}`]);
  }
}

type SchemaLookup = (type: string) => z.ZodType | string;

/** Each connector block is validated by its own connector's schema; an unknown type lists the known ones. */
function connectorSchema(type: string): z.ZodType | string {
  const connector = connectorRegistry[type as keyof typeof connectorRegistry];
  return connector
    ? connector.configSchema
    : `unknown connector type "${type}" (known: ${Object.keys(connectorRegistry).sort().join(', ')})`;
}

function validateEntries<T>(
  located: LocatedDocument,
  section: string,
  blocks: Record<string, { type: string }>,
  schemaFor: SchemaLookup,
  problems: string[],
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [name, block] of Object.entries(blocks)) {
    const schema = schemaFor(block.type);
    if (typeof schema === 'string') {
      problems.push(`${locate(located, [section, name, 'type'])}: ${schema}`);
      continue;
    }
    const result = schema.safeParse(block);
    if (result.success) out[name] = result.data as T;
    else problems.push(...describeIssues(located, [section, name], result.error.issues, schema));
  }
  return out;
}

/** zod issues -> `file:line:col: message (at a.b.c)`. Values are never printed: they may be secrets. */
export function describeIssues(located: LocatedDocument, prefix: PropertyKey[], issues: z.core.$ZodIssue[], schema: z.ZodType): string[] {
  const discriminatorAt = (at: ReadonlyArray<PropertyKey>, key: string): unknown => located.doc.getIn([...prefix, ...at, key]);
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    const dotted = path.map(String).join('.');
    const suffix = dotted ? ` (at ${dotted})` : '';
    // One line per unknown key, at the key itself: a typo is found where it is written.
    if (issue.code === 'unrecognized_keys') {
      const known = schemaKeysAt(schema, issue.path, discriminatorAt);
      return issue.keys.map((key) => {
        const section = emptySectionTaking(located, schema, { doc: path, schema: issue.path }, key, discriminatorAt);
        const message = section ? strayKeyHint(key, section) : `unknown key "${key}"${didYouMean(key, known)}`;
        return `${locateKey(located, path, key)}: ${message}${suffix}`;
      });
    }
    if (issue.code === 'invalid_type' && issue.expected === 'object' && isEmptyAt(located, path))
      return [`${locate(located, path)}: ${emptySectionHint(String(path.at(-1)))}`];
    // A bad map key (a connector or channel name): the schema's own wording, at the key.
    if (issue.code === 'invalid_key') {
      const where = locateKey(located, path.slice(0, -1), String(path.at(-1)));
      return [`${where}: ${issue.issues[0]?.message ?? issue.message}${suffix}`];
    }
    return [`${locate(located, path)}: ${issue.message}${suffix}`];
  });
}

import { z } from 'zod';
import { BooleanLikeSchema, DurationSchema, SizeSchema } from './units.ts';

const NAME = /^[a-z0-9][a-z0-9_-]*$/;

export const ServerSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    host: z.string().default('0.0.0.0'),
    bodyLimit: SizeSchema.default(1024 * 1024),
    /** The URL providers reach this hub at (used by connectors that sign the URL, and GitHub hook setup). */
    publicUrl: z.url().optional(),
  })
  .strict();

const EmbeddedBusSchema = z
  .object({
    type: z.literal('embedded'),
    path: z.string().min(1).default('./data/hookhub.db'),
    retention: DurationSchema.default(7 * 24 * 3600 * 1000),
  })
  .strict();

const NatsBusSchema = z
  .object({
    type: z.literal('nats'),
    url: z.string().min(1).default('nats://127.0.0.1:4222'),
    retention: DurationSchema.default(7 * 24 * 3600 * 1000),
  })
  .strict();

export const BusConfigSchema = z.discriminatedUnion('type', [EmbeddedBusSchema, NatsBusSchema]);
export type BusConfig = z.output<typeof BusConfigSchema>;

/** Each block is validated again, in full, by its connector's own schema (see load-config). */
const ConnectorBlockSchema = z.object({ type: z.string().min(1) }).passthrough();
const ChannelBlockSchema = z.object({ type: z.string().min(1) }).passthrough();

export const DeliverySchema = z
  .object({
    allowPrivateNetworks: BooleanLikeSchema.default(false),
    /** Hosts or CIDRs that outbound calls may reach even though they are private. */
    allowlist: z.array(z.string().min(1)).default([]),
    timeout: DurationSchema.default(15_000),
  })
  .strict();

export const HubConfigSchema = z
  .object({
    server: ServerSchema.default(ServerSchema.parse({})),
    bus: BusConfigSchema.default({ type: 'embedded', path: './data/hookhub.db', retention: 7 * 24 * 3600 * 1000 }),
    connectors: z.record(z.string().regex(NAME, 'connector names are lowercase letters, digits, - and _'), ConnectorBlockSchema).default({}),
    channels: z.record(z.string().regex(NAME, 'channel names are lowercase letters, digits, - and _'), ChannelBlockSchema).default({}),
    rules: z.string().min(1).default('./rules'),
    delivery: DeliverySchema.default(DeliverySchema.parse({})),
  })
  .strict();

export type HubConfigInput = z.output<typeof HubConfigSchema>;

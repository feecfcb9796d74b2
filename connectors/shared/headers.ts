import type { WebhookRequest } from '../connector.ts';
import { VerificationError } from '../../src/errors.ts';

type Headers = WebhookRequest['headers'];

/** A header's value by its name in any case, or undefined when absent or blank. */
export function getHeader(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return value !== undefined && value.trim().length > 0 ? value.trim() : undefined;
}

/**
 * A header the provider always sends, or VerificationError("missing <name> header").
 * `aliases` are older or rebranded names for the same header (e.g. `svix-id` for `webhook-id`).
 * `setting`: the config key the request is verified with, when it is not the connector's first secret field.
 */
export function requireHeader(headers: Headers, name: string, aliases: readonly string[] = [], setting?: string): string {
  for (const candidate of [name, ...aliases]) {
    const value = getHeader(headers, candidate);
    if (value !== undefined) return value;
  }
  throw new VerificationError(`missing ${name} header`, { kind: 'missing', ...(setting === undefined ? {} : { setting }) });
}

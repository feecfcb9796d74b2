import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Connector, ConnectorResult, DroppedItem } from '../../connectors/connector.ts';
import type { BusStreams, PublishResult } from '../bus/event-bus.ts';
import { PayloadError, VerificationError } from '../errors.ts';
import { BodyTooLargeError, IncompleteBodyError, readBody, sendError, sendJson, sendText } from '../http/inbound.ts';
import { developmentSecretRefusal } from './development-secret-hosts.ts';
import { publishEvents } from './publish-events.ts';
import { verificationHint } from './verification-hint.ts';

export interface ConnectorInstance {
  name: string;
  connector: Connector;
  config: { type: string } & Record<string, unknown>;
  /** The variable to set when the connector's secret is the example config's development default. */
  developmentSecret?: string;
}

export interface HooksRouteDeps {
  connectors: ReadonlyMap<string, ConnectorInstance>;
  bus: BusStreams;
  bodyLimit: number;
  logger: Logger;
  now: () => Date;
  /** `server.publicUrl`: its host is one a connector on a development secret answers for. */
  publicUrl?: string;
  /** Called once per request with the final status (metrics). */
  observe?: (connector: string, status: number) => void;
  /** Called before a 401 or 421 is sent, with what the operator should check (the dashboard's last error). */
  explain?: (res: ServerResponse, hint: string) => void;
  /** Called before the 2xx of a batch that had items dropped (ConnectorResult.dropped), once they are logged. */
  dropped?: (res: ServerResponse, connector: string, items: readonly DroppedItem[]) => void;
}

/** How long a provider should wait before retrying while the bus cannot persist. */
const RETRY_AFTER_SECONDS = '5';
/** Dropped items named in the log line and the answer; the count is always the whole. */
const MAX_DROPPED_SHOWN = 20;

/**
 * POST (and GET, for handshakes) /hooks/<name>: verify raw bytes -> normalize -> publish durably -> answer.
 * Nothing is acknowledged (2xx) before the bus has committed every event of the request.
 */
export function createHooksRoute(deps: HooksRouteDeps) {
  return async function handleHook(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const instance = deps.connectors.get(name);
    // Unknown names share one metrics label, so random paths cannot blow up label cardinality.
    if (!instance) return finish(deps, res, '_unknown', 404, () => sendError(res, 404, `unknown connector "${name.slice(0, 64)}"`));
    if (refuseMethod(deps, req, res, instance)) return;
    const foreignHost = developmentSecretRefusal(instance, req.headers.host, deps.publicUrl);
    if (foreignHost) {
      deps.logger.warn({ connector: name, status: 421, reason: foreignHost }, 'webhook rejected');
      deps.explain?.(res, foreignHost);
      return finish(deps, res, name, 421, () => sendError(res, 421, foreignHost));
    }
    if (refuseMediaType(deps, req, res, instance, name)) return;
    let result: ConnectorResult;
    let body: Buffer;
    try {
      body = await readBody(req, deps.bodyLimit);
      result = await instance.connector.handle(
        { method: req.method ?? 'POST', url: req.url ?? '/', headers: flatHeaders(req), body },
        { name, config: instance.config, now: deps.now },
      );
    } catch (err) {
      return rejectRequest(deps, req, res, instance, err);
    }
    let published: PublishResult[];
    try {
      published = await publishEvents(deps.bus, instance, body, result);
    } catch (err) {
      return answerNotPersisted(deps, res, name, err);
    }
    if (result.dropped !== undefined && result.dropped.length > 0) reportDropped(deps, res, name, result.dropped);
    if (result.reply) {
      const { status, body } = result.reply;
      return finish(deps, res, name, status, () => (typeof body === 'string' ? sendText(res, status, body) : sendJson(res, status, body)));
    }
    finish(deps, res, name, 202, () => sendJson(res, 202, acceptedBody(result, published)));
  };
}

function finish(deps: HooksRouteDeps, res: ServerResponse, name: string, status: number, send: () => void): void {
  send();
  deps.observe?.(name, status);
}

/** Answers 405 (and returns true) for a method the provider never sends, e.g. a browser's GET. */
function refuseMethod(deps: HooksRouteDeps, req: IncomingMessage, res: ServerResponse, instance: ConnectorInstance): boolean {
  const methods: readonly string[] = instance.connector.methods ?? ['POST'];
  if (methods.includes(req.method ?? '')) return false;
  res.setHeader('allow', methods.join(', '));
  const message = `use ${methods.join(' or ')}: ${instance.connector.type} sends its webhooks as ${methods.join(' or ')} requests`;
  finish(deps, res, instance.name, 405, () => sendError(res, 405, message));
  return true;
}

/** Answers 415 (and returns true) for a body the connector cannot take: another Content-Type, or a compressed one. */
function refuseMediaType(
  deps: HooksRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  instance: ConnectorInstance,
  name: string,
): boolean {
  const refusal = unsupportedMedia(req, instance.connector.contentTypes);
  if (refusal === undefined) return false;
  finish(deps, res, name, 415, () => sendError(res, 415, refusal));
  return true;
}

function unsupportedMedia(req: IncomingMessage, contentTypes: readonly string[]): string | undefined {
  const mediaType = mediaTypeOf(req);
  if (mediaType && !contentTypes.includes(mediaType)) {
    return `unsupported Content-Type ${mediaType.slice(0, 80)} (expected ${contentTypes.join(' or ')})`;
  }
  // Signatures are checked on the bytes as they arrive and no provider compresses its webhooks: a compressed
  // body would only fail as a bad signature (or as not JSON), sending the operator to the wrong setting.
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return `unsupported Content-Encoding ${encoding.slice(0, 40)} (send the body uncompressed)`;
  return undefined;
}

function rejectRequest(deps: HooksRouteDeps, req: IncomingMessage, res: ServerResponse, instance: ConnectorInstance, err: unknown): void {
  const { name } = instance;
  const status = statusOf(err);
  const message = status === 500 ? 'internal error' : (err as Error).message;
  if (status === 500) deps.logger.error({ connector: name, err }, 'connector failed');
  else if (err instanceof VerificationError) {
    const hint = verificationHint(err.failure, { name, type: instance.connector.type, secretField: instance.connector.secretFields[0] });
    deps.logger.warn({ connector: name, status, reason: message, hint }, 'webhook rejected');
    deps.explain?.(res, hint);
  } else deps.logger.warn({ connector: name, status, reason: message }, 'webhook rejected');
  // Stop reading an oversized upload instead of buffering it; close once the answer is out.
  if (status === 413) res.once('finish', () => req.destroy());
  finish(deps, res, name, status, () => sendError(res, status, message, status === 413 ? { connection: 'close' } : {}));
}

/** Items of a verified batch that no event holds: the rest is stored and acknowledged, so these must not pass unseen. */
function reportDropped(deps: HooksRouteDeps, res: ServerResponse, name: string, items: readonly DroppedItem[]): void {
  const shown = items.slice(0, MAX_DROPPED_SHOWN);
  deps.logger.warn({ connector: name, dropped: items.length, items: shown }, 'verified batch: unusable items dropped, the rest stored');
  deps.dropped?.(res, name, items);
}

function answerNotPersisted(deps: HooksRouteDeps, res: ServerResponse, name: string, err: unknown): void {
  // The bus refused this message for good (e.g. over NATS max_payload): a retry would fail the same way.
  if (err instanceof PayloadError) return finish(deps, res, name, 413, () => sendError(res, 413, err.message));
  deps.logger.error({ connector: name, err: (err as Error).message }, 'bus cannot persist: answering 503 so the provider retries');
  finish(deps, res, name, 503, () => sendError(res, 503, 'event store unavailable, retry later', { 'retry-after': RETRY_AFTER_SECONDS }));
}

function statusOf(err: unknown): number {
  if (err instanceof VerificationError) return 401;
  if (err instanceof PayloadError || err instanceof IncompleteBodyError) return 400;
  if (err instanceof BodyTooLargeError) return 413;
  return 500;
}

function acceptedBody(result: ConnectorResult, published: PublishResult[]) {
  const events = result.events.map((e, i) => ({ id: e.id, duplicate: published[i]?.duplicate ?? false }));
  const first = events[0];
  const body: Record<string, unknown> = { id: first?.id ?? null, duplicate: events.length > 0 && events.every((e) => e.duplicate) };
  if (events.length !== 1) body.events = events;
  if (result.dropped !== undefined && result.dropped.length > 0) body.dropped = result.dropped.slice(0, MAX_DROPPED_SHOWN);
  return body;
}

function mediaTypeOf(req: IncomingMessage): string | undefined {
  const header = req.headers['content-type'];
  if (!header) return undefined;
  const semi = header.indexOf(';');
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
}

function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  // Node joins repeated headers into one string, except set-cookie, which no provider signs with.
  if (req.headers['set-cookie'] === undefined) return req.headers as Record<string, string | undefined>;
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(req.headers)) out[key] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

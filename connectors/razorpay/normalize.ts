import { pick, pickNumber, pickString } from '../shared/pick.ts';
import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';
import { PayloadError } from '../../src/errors.ts';

const EVENT_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

/**
 * Builds the HubEvent for a verified Razorpay payload (`{event, contains, payload, created_at}`).
 * https://razorpay.com/docs/webhooks/payloads/
 */
export function normalizeRazorpay(payload: Record<string, unknown>, meta: { connector: string; id: string; now: Date }): HubEvent {
  const event = razorpayEventName(payload);
  const entity = mainEntity(event, payload);
  const createdAt = pickNumber(payload, 'created_at');
  return createHubEvent(
    {
      id: meta.id,
      type: `razorpay.${event}`,
      connector: meta.connector,
      data: payload,
      time: createdAt !== undefined ? new Date(createdAt * 1000) : undefined,
      subject: pickString(entity, 'id'),
      title: razorpayTitle(event, entity),
      url: pickString(entity, 'short_url'),
      actor: pickString(entity, 'email') ?? pickString(entity, 'contact'),
    },
    meta.now,
  );
}

/** `payment.captured`, `order.paid`, `payment.dispute.created`: the `event` field, checked. */
export function razorpayEventName(payload: Record<string, unknown>): string {
  const event = pickString(payload, 'event');
  if (event === undefined) throw new PayloadError('body has no `event` field (not a Razorpay webhook payload)');
  if (!EVENT_NAME.test(event)) throw new PayloadError('malformed `event` field in the Razorpay payload');
  return event;
}

/**
 * The entity the event is about: `order.paid` is about the order even though it also carries the
 * payment, `payment.dispute.created` about the dispute. Falls back to the first of `contains`.
 */
function mainEntity(event: string, payload: Record<string, unknown>): unknown {
  const nouns = event.split('.').slice(0, -1).reverse();
  const contains = pick(payload, 'contains');
  const listed = Array.isArray(contains) ? contains.filter((c): c is string => typeof c === 'string') : [];
  for (const noun of [...nouns, ...listed]) {
    const entity = pick(payload, 'payload', noun, 'entity');
    if (entity !== undefined) return entity;
  }
  return undefined;
}

/** e.g. `payment pay_DESlfW9H8K9uqM captured: 1.00 INR`. Amounts arrive in the currency's subunit. */
function razorpayTitle(event: string, entity: unknown): string {
  const id = pickString(entity, 'id');
  const amount = pickNumber(entity, 'amount');
  const currency = pickString(entity, 'currency');
  const dot = event.lastIndexOf('.');
  const head = id ? `${event.slice(0, dot).replace(/\./g, ' ')} ${id} ${event.slice(dot + 1)}` : event;
  return amount !== undefined && currency ? `${head}: ${(amount / 100).toFixed(2)} ${currency}` : head;
}

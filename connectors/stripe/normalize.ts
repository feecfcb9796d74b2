import { checkEventId } from '../shared/event-id.ts';
import { pick, pickNumber, pickString } from '../shared/pick.ts';
import { PayloadError } from '../../src/errors.ts';
import { formatStripeAmount } from './amount.ts';

/** The CloudEvents attributes hookhub derives from a Stripe event object. */
export interface StripeSummary {
  id: string;
  type: string;
  time: Date | undefined;
  subject: string | undefined;
  title: string;
  url: string | undefined;
}

/** Dashboard paths by API object type, for the objects whose pages we link to. */
const DASHBOARD_PATHS: Readonly<Record<string, string>> = {
  payment_intent: 'payments',
  charge: 'payments',
  customer: 'customers',
  invoice: 'invoices',
  subscription: 'subscriptions',
  subscription_schedule: 'subscription_schedules',
  payout: 'payouts',
  dispute: 'disputes',
  product: 'products',
  price: 'prices',
  coupon: 'coupons',
};

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Maps a verified Stripe event (https://docs.stripe.com/api/events/object) to HubEvent attributes:
 * id = `evt_…` (Stripe retries and duplicates keep it), type = `stripe.<event.type>`,
 * subject = the object's id. Thin (v2) events carry `related_object` instead of `data.object`.
 */
export function normalizeStripe(event: Record<string, unknown>): StripeSummary {
  const id = checkEventId(requireString(event, 'id'), 'Stripe event id');
  const type = requireString(event, 'type');
  if (!/^[a-z0-9_.]+$/.test(type)) throw new PayloadError(`malformed Stripe event type "${type.slice(0, 60)}"`);
  const object = pick(event, 'data', 'object');
  return {
    id,
    type: `stripe.${type}`,
    time: createdTime(event),
    subject: pickString(object, 'id') ?? pickString(event, 'related_object', 'id'),
    title: stripeTitle(type, object),
    url: dashboardUrl(event, object),
  };
}

/**
 * `created` is Unix seconds, or an RFC 3339 string in v2 (thin) events
 * (https://docs.stripe.com/api/v2/core/events/event-object); anything else leaves the receive time.
 */
function createdTime(event: Record<string, unknown>): Date | undefined {
  const seconds = pickNumber(event, 'created');
  if (seconds !== undefined) return new Date(seconds * 1000);
  const text = pickString(event, 'created');
  return text !== undefined && RFC3339.test(text) && !Number.isNaN(Date.parse(text)) ? new Date(text) : undefined;
}

function requireString(event: Record<string, unknown>, key: string): string {
  const value = pickString(event, key);
  if (value === undefined) throw new PayloadError(`Stripe event has no \`${key}\` (is this an event object?)`);
  return value;
}

/** "payment_intent.payment_failed pi_123 (20.00 USD): Your card was declined." */
function stripeTitle(type: string, object: unknown): string {
  const id = pickString(object, 'id');
  const detail = amountOf(type, object) ?? pickString(object, 'description') ?? pickString(object, 'status');
  const failure = pickString(object, 'last_payment_error', 'message') ?? pickString(object, 'failure_message');
  return `${type}${id ? ` ${id}` : ''}${detail ? ` (${detail})` : ''}${failure ? `: ${failure}` : ''}`;
}

function amountOf(type: string, object: unknown): string | undefined {
  const currency = pickString(object, 'currency');
  const amount = type.endsWith('.refunded')
    ? pickNumber(object, 'amount_refunded')
    : (pickNumber(object, 'amount') ?? pickNumber(object, 'amount_due') ?? pickNumber(object, 'amount_total'));
  return currency !== undefined && amount !== undefined ? formatStripeAmount(amount, currency) : undefined;
}

/** `https://dashboard.stripe.com/[test/]<objects>/<id>`; none for Connect events (another account's dashboard). */
function dashboardUrl(event: Record<string, unknown>, object: unknown): string | undefined {
  const path = DASHBOARD_PATHS[pickString(object, 'object') ?? ''];
  const id = pickString(object, 'id');
  if (path === undefined || id === undefined || pickString(event, 'account') !== undefined) return undefined;
  const mode = pick(event, 'livemode') === true ? '' : 'test/';
  return `https://dashboard.stripe.com/${mode}${path}/${encodeURIComponent(id)}`;
}

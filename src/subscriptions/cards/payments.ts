import { pick, pickNumber, pickString } from '../../../connectors/shared/pick.ts';
import type { HubEvent } from '../../events/hub-event.ts';
import { COLORS, field, type Card } from './card.ts';
import { formatMinor } from '../../shared/currency.ts';

type P = Record<string, unknown>;

/** Stripe payment, refund and dispute cards: amount, customer, reason. */
export function stripeCard(event: HubEvent): Card {
  const object = (pick(event.data, 'data', 'object') ?? {}) as P;
  const type = event.type.replace(/^stripe\./, '');
  const currency = pickString(object, 'currency');
  const amount =
    pickNumber(object, type === 'charge.refunded' ? 'amount_refunded' : type.endsWith('succeeded') ? 'amount_received' : 'amount') ??
    pickNumber(object, 'amount');
  const money = amount !== undefined ? formatMinor(amount, currency) : '?';
  const customer =
    pickString(object, 'receipt_email') ??
    pickString(object, 'billing_details', 'email') ??
    pickString(object, 'customer_details', 'email') ??
    pickString(object, 'customer');
  const failure = pickString(object, 'last_payment_error', 'message') ?? pickString(object, 'failure_message');
  const kind = type.startsWith('charge.dispute')
    ? `Dispute ${type.split('.').pop() ?? ''}`
    : type === 'charge.refunded'
      ? 'Refund'
      : type.endsWith('payment_failed')
        ? 'Payment failed'
        : 'Payment received';
  return {
    title: `${kind}: ${money}`,
    ...(event.url ? { url: event.url } : {}),
    state: type,
    color: kind === 'Payment received' ? COLORS.success : kind === 'Refund' ? COLORS.warning : COLORS.failure,
    fields: [
      ...field('Customer', customer),
      ...field('Description', pickString(object, 'description')),
      ...field('Reason', failure ?? pickString(object, 'reason'), false),
      ...field('ID', pickString(object, 'id')),
    ],
    context: `Stripe${pick(event.data, 'livemode') === false ? ' (test mode)' : ''}`,
  };
}

/** Razorpay payment, refund and dispute cards. */
export function razorpayCard(event: HubEvent): Card {
  const payload = (pick(event.data, 'payload') ?? {}) as P;
  const entityName = pick(payload, 'refund') ? 'refund' : pick(payload, 'dispute') ? 'dispute' : 'payment';
  const entity = (pick(payload, entityName, 'entity') ?? {}) as P;
  const payment = (pick(payload, 'payment', 'entity') ?? {}) as P;
  const amount = pickNumber(entity, 'amount');
  const money = amount !== undefined ? formatMinor(amount, pickString(entity, 'currency')) : '?';
  const type = event.type.replace(/^razorpay\./, '');
  const kind =
    entityName === 'refund'
      ? 'Refund'
      : entityName === 'dispute'
        ? `Dispute ${type.split('.').pop() ?? ''}`
        : type === 'payment.failed'
          ? 'Payment failed'
          : 'Payment captured';
  return {
    title: `${kind}: ${money}`,
    ...(event.url ? { url: event.url } : {}),
    state: type,
    color: kind === 'Payment captured' ? COLORS.success : kind === 'Refund' ? COLORS.warning : COLORS.failure,
    fields: [
      ...field('Customer', pickString(payment, 'email') ?? pickString(payment, 'contact')),
      ...field('Method', pickString(payment, 'method')),
      ...field('Reason', pickString(payment, 'error_description') ?? pickString(entity, 'reason_description'), false),
      ...field('ID', pickString(entity, 'id')),
    ],
    context: 'Razorpay',
  };
}

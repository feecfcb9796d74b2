/** What each subscription feature listens to on a payment provider (Stripe, Razorpay), and where the amount is. */
import type { FeatureDef, ProviderDef } from './features.ts';

const STRIPE_OBJECT = 'data.data.object';
const stripe = (on: string[], value: string): FeatureDef => ({
  on,
  amount: { value: `${STRIPE_OBJECT}.${value}`, currency: `${STRIPE_OBJECT}.currency` },
});

export const STRIPE: ProviderDef = {
  label: 'Stripe',
  defaults: ['succeeded', 'failed', 'disputes', 'refunds'],
  features: {
    succeeded: stripe(['stripe.payment_intent.succeeded'], 'amount_received'),
    failed: stripe(['stripe.payment_intent.payment_failed'], 'amount'),
    disputes: stripe(['stripe.charge.dispute.created', 'stripe.charge.dispute.closed'], 'amount'),
    refunds: stripe(['stripe.charge.refunded'], 'amount_refunded'),
  },
};

const rzp = (on: string[], entity: string): FeatureDef => ({
  on,
  amount: { value: `data.payload.${entity}.entity.amount`, currency: `data.payload.${entity}.entity.currency`, upperCurrency: true },
});

export const RAZORPAY: ProviderDef = {
  label: 'Razorpay',
  defaults: ['succeeded', 'failed', 'disputes', 'refunds'],
  features: {
    succeeded: rzp(['razorpay.payment.captured'], 'payment'),
    failed: rzp(['razorpay.payment.failed'], 'payment'),
    disputes: rzp(['razorpay.payment.dispute.created', 'razorpay.payment.dispute.lost', 'razorpay.payment.dispute.won'], 'dispute'),
    refunds: rzp(['razorpay.refund.processed'], 'refund'),
  },
};

import { minorDigits } from '../../src/shared/currency.ts';

/** `2000, 'usd'` → `20.00 USD`; `500, 'jpy'` → `500 JPY`: Stripe amounts are integers in the smallest unit. */
export function formatStripeAmount(amount: number, currency: string): string {
  const decimals = minorDigits(currency);
  return `${(amount / 10 ** decimals).toFixed(decimals)} ${currency.toUpperCase()}`;
}

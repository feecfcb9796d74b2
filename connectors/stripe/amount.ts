/**
 * Currencies whose smallest unit is not 1/100: Stripe amounts are integers in the smallest unit.
 * https://docs.stripe.com/currencies#zero-decimal and #three-decimal
 */
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** `2000, 'usd'` → `20.00 USD`; `500, 'jpy'` → `500 JPY`. */
export function formatStripeAmount(amount: number, currency: string): string {
  const code = currency.toLowerCase();
  const decimals = ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
  return `${(amount / 10 ** decimals).toFixed(decimals)} ${code.toUpperCase()}`;
}

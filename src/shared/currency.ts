/**
 * Currencies whose API amounts have no minor unit, and those with three decimals, as Stripe and
 * Razorpay count them (ISK, HUF and TWD are sent with two decimals): the one table every feature uses.
 * https://docs.stripe.com/currencies#zero-decimal and #three-decimal
 */
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** Decimal places of a currency's minor unit (2 when unknown or not given). */
export function minorDigits(currency: string | undefined): number {
  const code = currency?.toUpperCase() ?? '';
  if (ZERO_DECIMAL.has(code)) return 0;
  return THREE_DECIMAL.has(code) ? 3 : 2;
}

/** 100 USD → 10000 (cents), as providers send amounts. */
export function toMinorUnits(value: number, currency: string | undefined): number {
  return Math.round(value * 10 ** minorDigits(currency));
}

/** 12345 + usd → "123.45 USD". */
export function formatMinor(amount: number, currency: string | undefined): string {
  const digits = minorDigits(currency);
  const major = (amount / 10 ** digits).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return currency ? `${major} ${currency.toUpperCase()}` : major;
}

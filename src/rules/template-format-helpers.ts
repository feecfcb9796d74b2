import { minorDigits } from '../shared/currency.ts';
import type { Helper } from '../shared/sandboxed-handlebars.ts';
import { toText } from './template-helpers.ts';

export const DATE_FORMATS = ['iso', 'relative', 'date', 'time', 'datetime'] as const;

/** Parses an ISO string, epoch seconds (Stripe `created`) or epoch milliseconds. */
export function parseDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  let input: unknown = value;
  if (typeof input === 'string' && /^\d+(\.\d+)?$/.test(input)) input = Number(input);
  let time: number | undefined;
  if (typeof input === 'number') time = input < 1e11 ? input * 1000 : input;
  else if (typeof input === 'string') time = Date.parse(input);
  // new Date() of a number beyond ±8.64e15 ms is Invalid Date, whose formatting throws.
  const parsed = time === undefined ? undefined : new Date(time);
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed : undefined;
}

export function isValidLocale(locale: string): boolean {
  try {
    return Intl.getCanonicalLocales(locale).length === 1;
  } catch {
    return false;
  }
}

/**
 * A locale or time zone taken from the event (`locale=data.user.locale`) may be anything: an
 * `en_US` is read as `en-US`, and one Intl refuses falls back, so the message still goes out.
 */
function localeOf(value: unknown): string {
  const locale = typeof value === 'string' ? value.replace(/_/g, '-') : '';
  return isValidLocale(locale) ? locale : 'en-US';
}

function timeZoneOf(value: unknown): string | undefined {
  return typeof value === 'string' && isValidTimeZone(value) ? value : undefined;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** `{{date value ["iso"|"relative"|"date"|"time"|"datetime"] [tz="Europe/Berlin"] [locale="de-DE"]}}` */
const date: Helper = ([value, format], { hash, data }) => {
  const when = parseDate(value);
  if (!when) return toText(value);
  const timeZone = timeZoneOf(hash.tz);
  const locale = localeOf(hash.locale);
  switch (format ?? 'iso') {
    case 'relative':
      return relative(when, parseDate(data?.now) ?? new Date(), locale);
    case 'date':
      return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(when);
    case 'time':
      return new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone }).format(when);
    case 'datetime':
      return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(when);
    default:
      return timeZone ? isoInZone(when, timeZone) : when.toISOString();
  }
};

function isoInZone(when: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(when);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = get('timeZoneName').replace('GMT', '') || '+00:00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}${offset}`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

function relative(when: Date, now: Date, locale: string): string {
  const seconds = (when.getTime() - now.getTime()) / 1000;
  const [unit, size] = UNITS.find(([, s]) => Math.abs(seconds) >= s) ?? ['second', 1];
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.round(seconds / size), unit);
}

/** `{{money amount currency [locale="en-US"] [digits=2]}}`: minor units (cents) to a formatted amount. */
const money: Helper = ([amount, currency], { hash }) => {
  const minor = typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : amount;
  if (typeof minor !== 'number' || !Number.isFinite(minor)) return toText(amount);
  const code = toText(currency).toUpperCase();
  const digits = isMinorDigits(hash.digits) ? hash.digits : minorDigits(code);
  const major = minor / 10 ** digits;
  if (!/^[A-Z]{3}$/.test(code)) return `${major.toFixed(digits)} ${code}`.trim();
  const locale = localeOf(hash.locale);
  const standard = new Intl.NumberFormat(locale, { style: 'currency', currency: code }).resolvedOptions();
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: code,
    minimumFractionDigits: standard.minimumFractionDigits,
    maximumFractionDigits: Math.max(digits, standard.maximumFractionDigits ?? 0),
  }).format(major);
};

/** Intl formats at most 20 fraction digits (and toFixed at most 100). */
export function isMinorDigits(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 20;
}

export const FORMAT_HELPERS: Readonly<Record<string, Helper>> = { date, money };

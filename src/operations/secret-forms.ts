import { MIN_MASKED } from './event-view.ts';

/** Characters every percent and JSON encoding leaves as they are: a secret of only these is its own such form. */
const PLAIN = /^[\w.-]*$/;

/**
 * A secret as text can echo it: as it is, percent-encoded (a URL query, a form body: `%2B`, `+` for a
 * space; in upper- or lowercase hex), JSON-escaped (a PEM key's line breaks as `\n` in a JSON answer),
 * in base64 or base64url, and a PEM key's body lines alone (pemBodyLines).
 * Base64 of a longer text that holds the secret (`Basic base64(user:token)`, which the hub builds itself)
 * shows it at one of three alignments, so each alignment gives the characters that depend on the
 * secret's bytes alone. A secret shorter than MIN_MASKED has none, and no form shorter than that is kept.
 */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_MASKED) return [];
  const forms = PLAIN.test(secret) ? [secret] : [secret, ...percentEncoded(secret), JSON.stringify(secret).slice(1, -1)];
  const bytes = Buffer.from(secret);
  // The secret after two zero bytes: from offset 2 - shift, it starts `shift` bytes into a base64 group.
  const padded = Buffer.alloc(bytes.length + 2);
  bytes.copy(padded, 2);
  for (let shift = 0; shift < 3; shift += 1) {
    const encoded = padded.subarray(2 - shift).toString('base64');
    // Each character holds 6 bits: the first that holds none of the shift's bytes, up to the last whole one.
    const core = encoded.slice(Math.ceil((shift * 4) / 3), Math.floor(((shift + bytes.length) * 4) / 3));
    forms.push(core, core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return [...forms, ...pemBodyLines(secret)].filter((form) => form.length >= MIN_MASKED);
}

/** A line of a PEM body: base64, padded at the end. */
const PEM_BODY_LINE = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A PEM key's body lines. An answer may quote the key in a form its whole-key forms miss: JSON-escaped
 * with `\r\n`, its body joined into one run, or a few of its lines alone. Each of those holds the body's
 * lines whole, so masking each line (all but a short last one) masks the body in all of them. A key
 * given on one line, with `\n` escapes, is split at those.
 */
function pemBodyLines(secret: string): string[] {
  if (!secret.includes('-----BEGIN')) return [];
  return secret
    .split(/\r?\n|\\(?:r\\)?n/)
    .map((line) => line.trim())
    .filter((line) => PEM_BODY_LINE.test(line));
}

/**
 * Every form of each of `secrets` (secretForms), once, longest first: the order createMasker masks in,
 * so a value that holds another is masked whole.
 */
export function withForms(secrets: Iterable<string>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) for (const form of secretForms(secret)) forms.add(form);
  return [...forms].sort((a, b) => b.length - a.length);
}

/** At most this many jobs' secrets are remembered per known list: a rule set has far fewer destinations. */
const REMEMBERED = 1_000;
const ownForms = new WeakMap<readonly string[], Map<string, readonly string[]>>();

/**
 * withForms(secrets) for a job's own secrets, remembered with `known` (a rule set's list, so they go with
 * it): the jobs of one rule send the same secrets job after job, and their base64 forms cost 5 to 10 µs each.
 */
export function formsOfOwn(known: readonly string[], secrets: readonly string[]): readonly string[] {
  if (secrets.length === 0) return secrets;
  let remembered = ownForms.get(known);
  if (remembered === undefined) {
    remembered = new Map<string, readonly string[]>();
    ownForms.set(known, remembered);
  }
  const key = secrets.join('\0');
  let forms = remembered.get(key);
  if (forms === undefined) {
    if (remembered.size >= REMEMBERED) remembered.clear();
    forms = withForms(secrets);
    remembered.set(key, forms);
  }
  return forms;
}

const finders = new WeakMap<readonly string[], RegExp>();

/**
 * The finder looks for the first this many characters of each form: a text that holds a form holds its
 * start. Whole forms made a large expression (those of one 2048-bit PEM key are about 16 KB), and past
 * about 20 KB V8 searches one far slower: a 2 KB answer that held nothing took about 1 ms, not 40 µs.
 */
const FINDER_CHARS = 32;

/**
 * Whether `text` holds any of `forms` (a list withForms made, kept for a rule set), or, rarely, only
 * the start of one (the masker then finds nothing to mask): one pass of one expression, built once
 * per list, instead of a search for each form. It matches escaped literals only, so it cannot
 * backtrack beyond trying each of them at each position.
 */
export function holdsAny(forms: readonly string[], text: string): boolean {
  if (forms.length === 0) return false;
  let finder = finders.get(forms);
  if (finder === undefined) {
    const starts = new Set(forms.map((form) => form.slice(0, FINDER_CHARS)));
    finder = new RegExp([...starts].map((start) => start.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'));
    finders.set(forms, finder);
  }
  return finder.test(text);
}

/** As encodeURIComponent and URLSearchParams write it (`%2F`), and with lowercase hex (`%2f`), as other encoders do. */
function percentEncoded(secret: string): string[] {
  const upper = [encodeURIComponent(secret), formEncoded(secret)];
  return [...upper, ...upper.map((text) => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()))];
}

/** application/x-www-form-urlencoded, as URLSearchParams writes a query or a form body. */
function formEncoded(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

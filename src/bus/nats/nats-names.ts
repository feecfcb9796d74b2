import { createHash } from 'node:crypto';
import type { StreamName } from '../event-bus.ts';
import { Generations } from './generations.ts';

/** Stream, subject and bucket names for one hookhub deployment (a `prefix` isolates several on one server). */
export interface NatsNames {
  prefix: string;
  /** JetStream stream name for a bus stream, e.g. `HOOKHUB_EVENTS`. */
  stream(stream: StreamName): string;
  /**
   * `hookhub.<stream>.<id token>.<sanitized message subject>`: one subject per id, so the stream is
   * its own dedup index (nats-publish.ts) and get(id) is a last-by-subject read.
   */
  subject(stream: StreamName, id: string, messageSubject: string): string;
  /** Every message of one id, whatever its type: `hookhub.<stream>.<id token>.>`. */
  idFilter(stream: StreamName, id: string): string;
  /** `hookhub.<stream>.>` or the NATS filter equivalent of a type glob (any id). */
  filter(stream: StreamName, glob?: string): string;
  historyStream: string;
  historySubject(ref: string): string;
  /** The id index of releases before the stream became its own (read while it still has entries). */
  legacyDedupBucket: string;
  /** Content keys of messages whose id no signature covers (BusMessage.contentKey). */
  contentBucket: string;
  deadLetterBucket: string;
}

const PREFIX_PATTERN = /^[A-Za-z0-9_-]+$/;

export function createNatsNames(prefix = 'hookhub'): NatsNames {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`invalid NATS prefix "${prefix}": use letters, digits, "_" and "-" only`);
  }
  const lower = prefix.toLowerCase();
  const upper = prefix.toUpperCase();
  return {
    prefix: lower,
    stream: (stream) => `${upper}_${stream.toUpperCase()}`,
    subject: (stream, id, messageSubject) => `${lower}.${stream}.${idToken(id)}.${subjectTokens(messageSubject)}`,
    idFilter: (stream, id) => `${lower}.${stream}.${idToken(id)}.>`,
    filter: (stream, glob) => `${lower}.${stream}.${glob === undefined ? '>' : `*.${globToFilter(glob)}`}`,
    historyStream: `${upper}_HISTORY`,
    historySubject: (ref) => `${lower}.history.${hashKey(ref)}`,
    legacyDedupBucket: `${lower}_dedup`,
    contentBucket: `${lower}_content`,
    deadLetterBucket: `${lower}_dlq`,
  };
}

/**
 * Makes a dotted message subject safe as NATS subject tokens, deterministically and without
 * collisions: characters outside `[A-Za-z0-9_\-:/]` (spaces, `*`, `>`, `%`, non-ASCII) become
 * `%XX` per UTF-8 byte, and an empty token becomes a lone `%` (never produced by the escaping).
 * https://docs.nats.io/nats-concepts/subjects#characters-allowed-and-recommended-for-subject-names
 */
export function subjectTokens(subject: string): string {
  // Most subjects (`github.pull_request.opened`) need no escaping: one test instead of one per character.
  if (SAFE_SUBJECT.test(subject)) return subject;
  return subject.split('.').map(escapeToken).join('.');
}

const SAFE_SUBJECT = /^[A-Za-z0-9_\-:/]+(?:\.[A-Za-z0-9_\-:/]+)*$/;

function escapeToken(token: string): string {
  if (token === '') return '%';
  let out = '';
  for (const ch of token) {
    if (/^[A-Za-z0-9_\-:/]$/.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A type glob as a NATS filter: `*` → `*`, a trailing `**` → `>`. A `**` anywhere else cannot be
 * expressed, so the filter widens to `>` from there and callers re-check with matchTypeGlob.
 */
export function globToFilter(glob: string): string {
  const out: string[] = [];
  for (const segment of glob.split('.')) {
    if (segment === '**') {
      out.push('>');
      break;
    }
    out.push(segment === '*' ? '*' : escapeToken(segment));
  }
  return out.join('.');
}

/**
 * The same ids and refs are hashed several times within moments (an event's publish and its subject, a
 * job's history read and its record): about eight SHA-256 objects per webhook end to end, 1 µs each.
 * `digest` keeps its recent answers, 4,096 per generation, far more than are in flight at once.
 */
function rememberRecent(digest: (value: string) => string): (value: string) => string {
  const recent = new Generations<string, string>(4_096);
  return (value) => {
    let answer = recent.get(value);
    if (answer === undefined) {
      answer = digest(value);
      recent.set(value, answer);
    }
    return answer;
  };
}

/** sha256 hex: a key that is valid for KV keys and subject tokens whatever the input contains. */
export const hashKey = rememberRecent((value) => createHash('sha256').update(value).digest('hex'));

/**
 * A message id as one subject token: 128 bits of its sha256 in base64url (22 characters), which
 * keeps the server's per-subject index small and is valid whatever the id contains.
 */
export const idToken = rememberRecent((id) => createHash('sha256').update(id).digest('base64url').slice(0, 22));

/** A durable consumer name: kept readable when already valid, otherwise sanitized plus a short hash. */
export function durableName(name: string): string {
  if (/^[A-Za-z0-9_-]{1,64}$/.test(name)) return name;
  const safe = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  return `${safe}_${hashKey(name).slice(0, 16)}`;
}

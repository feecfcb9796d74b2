import { createHash } from 'node:crypto';
import type { Segment } from './fit-text.ts';

/** A richtext facet: a byte range of the UTF-8 text with a link or tag feature. https://docs.bsky.app/docs/advanced-guides/post-richtext */
export interface Facet {
  index: { byteStart: number; byteEnd: number };
  features: ({ $type: 'app.bsky.richtext.facet#link'; uri: string } | { $type: 'app.bsky.richtext.facet#tag'; tag: string })[];
}

const TAG = /(^|\s)(#[^\s#]+)/gu;

/**
 * Facets for the links (full URI, even when the text shows a shortened form) and hashtags.
 * Offsets count UTF-8 bytes, not UTF-16 code units, as the AT Protocol requires.
 */
export function facetsFor(segments: readonly Segment[]): Facet[] {
  const facets: Facet[] = [];
  let offset = 0;
  for (const segment of segments) {
    const bytes = Buffer.byteLength(segment.text);
    if (segment.link !== undefined) {
      facets.push({
        index: { byteStart: offset, byteEnd: offset + bytes },
        features: [{ $type: 'app.bsky.richtext.facet#link', uri: segment.link }],
      });
    } else {
      for (const match of segment.text.matchAll(TAG)) {
        const tag = (match[2] ?? '').replace(/\p{P}+$/u, '');
        if (tag.length < 2 || /^#\d+$/.test(tag) || [...tag].length > 65) continue;
        const start = offset + Buffer.byteLength(segment.text.slice(0, (match.index ?? 0) + (match[1] ?? '').length));
        facets.push({
          index: { byteStart: start, byteEnd: start + Buffer.byteLength(tag) },
          features: [{ $type: 'app.bsky.richtext.facet#tag', tag: tag.slice(1) }],
        });
      }
    }
    offset += bytes;
  }
  return facets;
}

/** How the official app shows a link: no scheme or www., path cut to keep it short. */
export function shortenUrl(url: string, max = 30): string {
  const bare = url.replace(/^https?:\/\//, '').replace(/^www\./, '');
  return [...bare].length <= max ? bare : `${[...bare].slice(0, max - 3).join('')}...`;
}

const S32 = '234567abcdefghijklmnopqrstuvwxyz';

/** The largest millisecond whose microseconds still fit a TID's 53 timestamp bits (year 2255). */
const TID_MAX_MS = Math.floor((2 ** 53 - 1000) / 1000);

/**
 * A record key (TID) derived from the job, so every retry and every replay of the job writes the
 * same record instead of a second post: 53 bits of microseconds and a 10-bit clock id from a hash
 * of the job id. The time is the event's (`stableTime`), since a replay plans the job again with a
 * new `createdAt`; it is kept within what 53 bits of microseconds can hold. https://atproto.com/specs/tid
 */
export function jobTid(jobId: string, stableTime: string): string {
  const hash = createHash('sha256').update(jobId).digest();
  const ms = Math.min(Math.max(Date.parse(stableTime), 0), TID_MAX_MS);
  const micros = BigInt(ms) * 1000n + BigInt(hash.readUInt16BE(0) % 1000);
  let value = (micros << 10n) | BigInt(hash.readUInt16BE(2) & 0x3ff);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = S32[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { facetsFor, jobTid, shortenUrl } from '../../../../src/actions/crosspost/bluesky-record.ts';
import { composePost, countCodePoints, countGraphemes, joinSegments, segmentText } from '../../../../src/actions/crosspost/fit-text.ts';

const mastodon = { max: 60, count: countCodePoints, urlCost: 23 };
const bluesky = { max: 300, count: countGraphemes, displayUrl: (u: string) => shortenUrl(u) };

describe('fitting text to a platform', () => {
  it('leaves text within the limit alone and appends the link once', () => {
    expect(joinSegments(composePost('Release 2.0 is out', 'https://ex.com/r/2.0', mastodon))).toBe(
      'Release 2.0 is out https://ex.com/r/2.0',
    );
    expect(joinSegments(composePost('See https://ex.com/r/2.0.', 'https://ex.com/r/2.0', mastodon))).toBe('See https://ex.com/r/2.0.');
  });

  it('cuts at a word boundary with an ellipsis and keeps the link whole', () => {
    const text = 'We shipped a brand new deployment pipeline that halves build times for everyone';
    const url = 'https://example.com/blog/2026/11/a-very-long-article-slug-that-is-longer-than-23';
    const post = joinSegments(composePost(text, url, mastodon));
    expect(post).toBe(`We shipped a brand new deployment… ${url}`);
    // Mastodon counts the URL as 23: 33 + 1 + 1 + 23 = 58 <= 60.
    expect(countCodePoints(post.replace(url, '')) + 23).toBeLessThanOrEqual(60);
  });

  it('never cuts a URL inside the text: it is kept whole or left out', () => {
    const text = 'Read more at https://example.com/this/is/a/long/path and more words here';
    const post = joinSegments(composePost(text, undefined, { max: 30, count: countCodePoints }));
    expect(post).toBe('Read more at…');
  });

  it('property: output fits, and every URL in it is one of the input URLs, whole', () => {
    const word = fc.stringMatching(/^[a-zäöü😀]{1,12}$/u);
    const url = fc.stringMatching(/^[a-z]{1,10}$/).map((s) => `https://ex.com/${s}`);
    const pieces = fc.array(fc.oneof(word, url), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(pieces, fc.integer({ min: 30, max: 120 }), (parts, max) => {
        const text = parts.join(' ');
        const segments = composePost(text, 'https://ex.com/link', { max, count: countGraphemes });
        const out = joinSegments(segments);
        expect(countGraphemes(out)).toBeLessThanOrEqual(max);
        for (const s of segmentText(out)) if (s.link) expect([...parts, 'https://ex.com/link']).toContain(s.link);
        expect(out.endsWith('https://ex.com/link')).toBe(true);
      }),
    );
  });
});

describe('bluesky records', () => {
  it('link facets use UTF-8 byte offsets and the full URI behind a shortened text', () => {
    const url = 'https://www.example.com/2026/11/28/a-rather-long-article-name';
    const segments = composePost('Grüße 👋🏽 #release notes', url, bluesky);
    const text = joinSegments(segments);
    expect(text).toBe('Grüße 👋🏽 #release notes example.com/2026/11/28/a-ra...');
    const facets = facetsFor(segments);
    const bytes = Buffer.from(text);
    const slice = (f: (typeof facets)[number]) => bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8');
    expect(facets.map((f) => [slice(f), f.features[0]])).toEqual([
      ['#release', { $type: 'app.bsky.richtext.facet#tag', tag: 'release' }],
      ['example.com/2026/11/28/a-ra...', { $type: 'app.bsky.richtext.facet#link', uri: url }],
    ]);
    // "Grüße 👋🏽 " is 6 + 2 (ü, ß) + 8 (wave + skin tone) + 1 = 17 bytes: UTF-16 offsets would be wrong.
    expect(facets[0]?.index.byteStart).toBe(17);
  });

  it('trims to 300 graphemes, counting a shortened link by what is shown', () => {
    const segments = composePost('🎉'.repeat(400), 'https://example.com/x', bluesky);
    const text = joinSegments(segments);
    // One grapheme is held back for the space a trailing URL would need before the ellipsis.
    expect(countGraphemes(text)).toBe(299);
    expect(text.endsWith('… example.com/x')).toBe(true);
  });

  it('record keys are valid TIDs, stable per job and distinct across jobs', () => {
    const a = jobTid('evt_1:rule:0', '2026-11-28T12:00:00.000Z');
    expect(a).toMatch(/^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/);
    expect(jobTid('evt_1:rule:0', '2026-11-28T12:00:00.000Z')).toBe(a);
    expect(jobTid('evt_2:rule:0', '2026-11-28T12:00:00.000Z')).not.toBe(a);
  });
});

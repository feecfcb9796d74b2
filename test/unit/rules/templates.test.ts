import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileParams, renderParams } from '../../../src/rules/compile-params.ts';
import { createTemplateEngine } from '../../../src/rules/template-engine.ts';
import { event, fixedNow } from './test-context.ts';

const engine = createTemplateEngine();
const extra = { now: fixedNow, rule: 'r' };

function render(source: string, context: unknown = {}): unknown {
  const result = engine.compile(source);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('; '));
  return result.template.render(context, extra);
}

describe('template helpers', () => {
  const ctx = {
    title: 'Fix "it"\n<now> & *bold*',
    n: 5,
    list: [{ name: 'a' }, { name: 'b' }],
    tags: ['x', 'y'],
    created: 1767607200,
    at: '2026-01-05T09:00:00Z',
  };
  it.each([
    ['{{json list}}', '[{"name":"a"},{"name":"b"}]'],
    ['{{json missing}}', 'null'],
    ['{{truncate title 6}}', 'Fix "…'],
    ['{{truncate "👍🏽👍🏽👍🏽" 2 "."}}', '👍🏽.'],
    ['{{default missing "" "fallback"}}', 'fallback'],
    ['{{upper "straße"}} {{lower "ÀB"}}', 'STRASSE àb'],
    ['{{join tags}} / {{join tags " | "}} / {{join list key="name"}}', 'x, y / x | y / a, b'],
    ['{{#if (eq n 5)}}five{{else}}other{{/if}}', 'five'],
    ['{{date at}}', '2026-01-05T09:00:00.000Z'],
    ['{{date created}}', '2026-01-05T10:00:00.000Z'],
    ['{{date at tz="America/New_York"}}', '2026-01-05T04:00:00-05:00'],
    ['{{date at "relative"}}', '3 hours ago'],
    ['{{date at "date" tz="Asia/Tokyo" locale="en-GB"}}', '5 Jan 2026'],
    ['{{date "not a date"}}', 'not a date'],
    ['{{money 123456 "usd"}}', '$1,234.56'],
    ['{{money 1500 "JPY"}}', '¥1,500'],
    ['{{money 1234 "kwd"}}', 'KWD\u00a01.234'],
    ['{{money 123456 "eur" locale="de-DE"}}', '1.234,56\u00a0€'],
    ['{{money 1000 "usd" digits=0}}', '$1,000.00'],
    ['{{money "oops" "usd"}}', 'oops'],
    ['{{escapeSlack title}}', 'Fix "it"\n&lt;now&gt; &amp; *bold*'],
    ['{{escapeMarkdown "a*b_c [x](y) #1"}}', 'a\\*b\\_c \\[x\\]\\(y\\) \\#1'],
    ['{{escapeJson title}}', 'Fix \\"it\\"\\n<now> & *bold*'],
    ['{{@rule}} at {{@now}}', 'r at 2026-01-05T12:00:00.000Z'],
  ])('%s', (source, expected) => {
    expect(render(source, ctx)).toBe(expected);
  });

  it("keeps a value's type when {{value x}} is the whole string", () => {
    expect(render('{{value n}}', ctx)).toBe(5);
    expect(render('{{value list}}', ctx)).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(render('{{value missing}}', ctx)).toBeNull();
    expect(render('n={{value n}}', ctx)).toBe('n=5');
  });
});

describe('helpers given odd event data', () => {
  // The event decides these values; a helper that throws loses the whole action (it is not rendered).
  it.each([
    ['{{date d.at "date" locale=d.locale}}', { at: '2026-01-05T09:00:00Z', locale: 'en_GB' }, '5 Jan 2026'],
    ['{{date d.at "date" locale=d.locale}}', { at: '2026-01-05T09:00:00Z', locale: 'not a locale!' }, 'Jan 5, 2026'],
    ['{{date d.at tz=d.tz}}', { at: '2026-01-05T09:00:00Z', tz: 'Mars/Olympus' }, '2026-01-05T09:00:00.000Z'],
    ['{{date d.at}}', { at: 1e17 }, '100000000000000000'],
    ['{{date d.at "relative"}}', { at: '99999999999999999' }, '99999999999999999'],
    ['{{money 123456 "eur" locale=d.locale}}', { locale: 'de_DE' }, '1.234,56\u00a0€'],
    ['{{money 123456 "usd" locale=d.locale digits=d.digits}}', { locale: '??', digits: 500 }, '$1,234.56'],
  ])('%s with %j renders instead of throwing', (source, d, expected) => {
    expect(render(source, { d })).toBe(expected);
  });
});

describe('template sandbox', () => {
  it.each([
    '{{constructor}}',
    '{{constructor.constructor}}',
    '{{__proto__}}',
    '{{lookup this "constructor"}}',
    '{{#with "x"}}{{constructor.name}}{{/with}}',
    '{{lookup (lookup this "__proto__") "constructor"}}',
    '{{#each this}}{{@key}}{{/each}}',
  ])('%s reaches no prototype', (source) => {
    expect(render(source, {})).toBe('');
  });

  it.each([
    ['{{> partial}}', /partials/],
    ['{{log "x"}}', /unknown helper "log"/],
    ['{{helperMissing "x"}}', /unknown helper/],
    ['{{#if}}', /template/],
    ['{{monye 1 "usd"}}', /unknown helper "monye" \(did you mean "money"\?\)/],
    ['{{date at tz="Mars/Olympus"}}', /unknown time zone/],
    ['{{date at "weekday"}}', /date format "weekday"/],
    ['{{date at "date" locale="en_US"}}', /unknown locale "en_US" .*with a hyphen/],
    ['{{money 100 "usd" locale="xx-!!"}}', /unknown locale/],
    ['{{money 100 "usd" digits=200}}', /digits must be a whole number from 0 to 20/],
  ])('%s is refused at load time', (source, message) => {
    const result = engine.compile(source);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.message).toMatch(message);
  });

  it('does not HTML-escape (output goes to chat, email and JSON)', () => {
    expect(render('{{a}}', { a: '<b>&"\'' })).toBe('<b>&"\'');
  });
});

describe('templated params', () => {
  it('render into structurally valid JSON whatever the event contains', () => {
    const params = {
      url: 'https://x/{{id}}',
      body: { text: '{{title}}', nested: ['{{data.s}}', { deep: '{{data.s}} tail' }], n: '{{value data.n}}', raw: 7 },
    };
    const compiled = compileParams(params, { raw: [] }, engine, () => {
      throw new Error('no problems expected');
    });
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.string(),
        fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()),
        (s, title, n) => {
          const ev = event({ type: 'github.push', title, data: { s, n } });
          const out = renderParams(compiled, ev, extra) as { body: { text: string; nested: [string, { deep: string }]; n: unknown } };
          const reparsed = JSON.parse(JSON.stringify(out)) as typeof out;
          expect(reparsed.body.nested[0]).toBe(s);
          expect(reparsed.body.nested[1].deep).toBe(`${s} tail`);
          expect(out.body.n).toBe(n);
          // A hand-written JSON string template stays valid with escapeJson.
          expect((JSON.parse(String(render('{"t":"{{escapeJson data.s}}"}', ev))) as { t: string }).t).toBe(s);
        },
      ),
    );
  });

  it('leaves raw params untouched', () => {
    const compiled = compileParams({ schema: '{{not a template}}', text: '{{id}}' }, { raw: ['schema'] }, engine, () => undefined);
    expect({ ...(renderParams(compiled, event({ type: 'a.b' }), extra) as object) }).toEqual({
      schema: '{{not a template}}',
      text: 'evt_1',
    });
  });
});

/**
 * The event page's Link row in a real headless Chromium: an event's `url` attribute comes from the
 * provider payload, so only an http(s) URL becomes a link.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { findChromium } from '../helpers/find-binary.ts';
import { ADMIN_TOKEN, startApiHub, type ApiHub } from '../integration/api-harness.ts';

let hub: ApiHub;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  hub = await startApiHub();
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error('Chromium is not installed (see test/e2e/dashboard.test.ts)');
  browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  page = await browser.newPage();
  await page.goto(`${hub.base}/login`);
  await page.fill('#token', ADMIN_TOKEN);
  await Promise.all([page.waitForURL(`${hub.base}/`), page.click('button[type=submit]')]);
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

async function linkRow(id: string, url: string): Promise<{ text: string; hrefs: string[] }> {
  const event = createHubEvent({ id, type: 'generic.deploy', connector: 'github', url, data: {} });
  await hub.bus.publish('events', { id, subject: event.type, payload: event });
  await page.goto(`${hub.base}/event?id=${id}`);
  const row = page.locator('dl.kv dt:text-is("Link") + dd');
  await row.waitFor();
  return { text: await row.innerText(), hrefs: await row.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? '')) };
}

describe('event page: the Link row', () => {
  it('links an https URL', async () => {
    expect(await linkRow('link-ok', 'https://github.com/acme/api/pull/1')).toEqual({
      text: 'https://github.com/acme/api/pull/1',
      hrefs: ['https://github.com/acme/api/pull/1'],
    });
  });

  it('shows a javascript: or data: URL as text, never as a link', async () => {
    for (const [id, url] of [
      ['link-js', 'javascript:alert(document.domain)'],
      ['link-js-case', ' JavaScript:alert(1)'],
      ['link-data', 'data:text/html,<script>alert(1)</script>'],
    ] as const) {
      const row = await linkRow(id, url);
      expect(row.hrefs).toEqual([]);
      expect(row.text).toBe(url.trim());
    }
  });
});

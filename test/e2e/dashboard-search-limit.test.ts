/**
 * The events page in a real headless Chromium says when a text search stopped at its read limit, so an
 * empty list is not taken for "no such event".
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { SEARCH_BUDGET } from '../../src/operations/list-events.ts';
import { findChromium } from '../helpers/find-binary.ts';
import { ADMIN_TOKEN, startApiHub, type ApiHub } from '../integration/api-harness.ts';

let hub: ApiHub;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  hub = await startApiHub();
  // More events than a search reads; the oldest is the only one that says "needle".
  for (let start = 0; start <= SEARCH_BUDGET; start += 1_000) {
    await Promise.all(
      Array.from({ length: 1_000 }, (_, k) => {
        const i = start + k;
        const event = createHubEvent({
          id: `e${i}`,
          type: 'test.thing',
          connector: 'github',
          subject: i === 0 ? 'needle' : `hay ${i}`,
          data: {},
        });
        return hub.bus.publish('events', { id: event.id, subject: event.type, payload: event });
      }),
    );
  }
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error('Chromium is not installed (see test/e2e/dashboard.test.ts)');
  browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  page = await browser.newPage();
  await page.goto(`${hub.base}/login`);
  await page.fill('#token', ADMIN_TOKEN);
  await Promise.all([page.waitForURL(`${hub.base}/`), page.click('button[type=submit]')]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

describe('events page: a search that stopped at its limit', () => {
  it('says so, and "Older" carries the search on to what it did not read', async () => {
    await page.goto(`${hub.base}/?q=needle`);
    const notice = page.locator('#search-limited');
    await notice.waitFor();
    expect(await notice.innerText()).toContain(`The search stopped at its limit (${SEARCH_BUDGET} events read`);
    expect(await page.locator('#events tbody tr[data-id]').count()).toBe(0);
    await page.click('#older');
    await page.locator('#events tbody tr[data-id="e0"]').waitFor();
    expect(await notice.count()).toBe(0);
  });

  it('shows no notice when the search filled its page', async () => {
    await page.goto(`${hub.base}/?q=hay`);
    await page.locator('#events tbody tr[data-id="e20999"]').waitFor();
    expect(await page.locator('#events tbody tr[data-id]').count()).toBe(50);
    expect(await page.locator('#search-limited').count()).toBe(0);
  });
});

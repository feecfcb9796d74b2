/**
 * The dashboard in a real headless Chromium (Debian's package, driven by playwright-core): log in,
 * watch a webhook arrive live, open it, see the failed attempt, replay it, see it delivered; then
 * the DLQ, connectors and rules pages. A screenshot of each page goes to test/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../helpers/find-binary.ts';
import { ADMIN_TOKEN, prPayload, startApiHub, type ApiHub } from '../integration/api-harness.ts';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let hub: ApiHub;
let browser: Browser;
let page: Page;
let destinationUp = false;
const cspViolations: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  hub = await startApiHub();
  hub.sink.reply = () => (destinationUp ? { status: 200, body: 'ok' } : { status: 400, body: '{"error":"channel_not_found"}' });
  const executablePath = findChromium();
  if (executablePath === undefined)
    throw new Error(
      'Chromium is not installed: `npm test` installs it when run as root with apt, or run `npm run pretest` for the install command',
    );
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) cspViolations.push(msg.text());
  });
  page.on('pageerror', (error) => cspViolations.push(`page error at ${page.url()}: ${error.message}`));
  page.on('dialog', (dialog) => void dialog.accept());
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

describe('dashboard (headless Chromium)', () => {
  it('logs in, sees a webhook arrive live, opens it, sees the failed attempt, replays it and sees it delivered', async () => {
    destinationUp = true;
    for (let i = 1; i <= 3; i++)
      await hub.sendGithub(
        'issues',
        {
          action: 'opened',
          issue: { number: 40 + i, title: `Flaky test ${i}`, html_url: `https://github.com/acme/web/issues/${40 + i}` },
          repository: { full_name: 'acme/web' },
          sender: { login: 'mona' },
        },
        `issue-e2e-${i}`,
      );
    const bad = await fetch(`${hub.base}/hooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'forged',
        'x-hub-signature-256': 'sha256=00',
      },
      body: '{}',
    });
    expect(bad.status).toBe(401);
    await expect.poll(() => hub.sink.delivered().length, { timeout: 10_000 }).toBe(3);
    destinationUp = false;

    await page.goto(`${hub.base}/`);
    await page.waitForURL(/\/login\?next=/);
    await shot('login');
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${hub.base}/`);
    await page.locator('#live.on').waitFor();
    await expect.poll(() => page.locator('#who').textContent()).toBe('alice · admin');

    expect((await hub.sendGithub('pull_request', prPayload(42), 'd2f1c3a0-e2e0-11ee-8f5e-0242ac120002')).status).toBe(202);
    const row = page.locator('tr[data-id="d2f1c3a0-e2e0-11ee-8f5e-0242ac120002"]');
    await row.waitFor({ timeout: 10_000 });
    await row.locator('.badge[data-status=failed]').waitFor({ timeout: 10_000 });
    expect(await row.locator('td').nth(1).textContent()).toBe('github.pull_request.opened');
    await page.locator('header nav a[data-page=dlq] .count', { hasText: '1' }).waitFor();
    // The charts: server-rendered SVG, inline, named by <title>/<desc>, redrawn live as events arrive over SSE.
    const eventsChart = page.locator('#activity figure[data-chart=events] svg');
    expect(await eventsChart.locator('title').first().textContent()).toBe('Events per minute, last hour, by connector');
    const githubEvents = async () => {
      const tips = await eventsChart.locator('rect title').allTextContents();
      return tips.filter((t) => t.includes('· github:')).reduce((n, t) => n + Number(t.split(': ').pop()), 0);
    };
    await expect.poll(githubEvents, { timeout: 10_000 }).toBe(4);
    expect(await page.locator('#activity figure[data-chart=outcomes] svg desc').textContent()).toMatch(
      /^3 delivered, \d+ retrying, \d+ dead-lettered in the last hour\.$/,
    );
    expect(await page.locator('#activity details.chart-data tbody tr').count()).toBeGreaterThan(0);
    await shot('events');

    await row.click();
    await page.waitForURL(/\/event\?id=/);
    const attempt = page.locator('.job li[data-outcome=failed]');
    await attempt.waitFor();
    expect(await attempt.textContent()).toContain('HTTP 400');
    await page.locator('.job[data-state=dead]').waitFor();
    expect(await page.locator('#payload').textContent()).toContain('"number": 42');
    expect(await page.locator('dd', { hasText: 'redacted' }).count()).toBeGreaterThan(0);
    await shot('event-failed');

    destinationUp = true;
    await page.click('#replay');
    await page.locator('#status .badge[data-status=delivered]').waitFor({ timeout: 10_000 });
    await page.locator('.job li[data-outcome=success]').waitFor();
    expect(await page.locator('#replay-result').textContent()).toContain('requeued');
    await expect.poll(() => hub.sink.delivered().length).toBe(4);
    await page.locator('header nav .count').waitFor({ state: 'detached' });
    await shot('event-delivered');
  });

  it('retries from the dead-letter page', async () => {
    destinationUp = false;
    await hub.sendGithub('pull_request', prPayload(43), 'e7a90b12-e2e0-11ee-8f5e-0242ac120002');
    await expect.poll(async () => (await hub.bus.deadLetters()).length, { timeout: 10_000 }).toBe(1);
    await page.goto(`${hub.base}/dlq`);
    const letter = page.locator('tr[data-id="e7a90b12-e2e0-11ee-8f5e-0242ac120002:forward-github:0"]');
    await letter.waitFor();
    expect(await page.locator('header nav a[data-page=dlq] .count').textContent()).toBe('1');
    await shot('dlq');
    destinationUp = true;
    await letter.locator('input[type=checkbox]').check();
    await page.click('#retry-selected');
    await page.locator('#message .notice', { hasText: '1 job(s) queued' }).waitFor();
    await page.locator('td', { hasText: 'The dead-letter queue is empty.' }).waitFor();
    await expect.poll(() => hub.sink.delivered().length, { timeout: 10_000 }).toBe(5);
  });

  it('shows connectors with their last error and channels with their health', async () => {
    await page.goto(`${hub.base}/connectors`);
    const card = page.locator('[data-connector=github]');
    await card.waitFor();
    expect(await card.textContent()).toContain('HTTP 401');
    expect(await card.textContent()).toContain('/hooks/github');
    await page.locator('tr[data-channel=sink]').waitFor();
    const channel = await page.locator('tr[data-channel=sink]').textContent();
    expect(channel).toMatch(/closed/);
    expect(channel).toMatch(/\d+ · \d+ delivered/);
    const charts = page.locator('[data-channel-chart=sink]');
    await charts.locator('figure[data-chart=latency] svg').waitFor();
    expect(await charts.locator('p').textContent()).toMatch(
      /^\d+ attempts in the last 24 hours: p50 \d+ ms, p99 \d+ ms, error rate \d+\.\d%\.$/,
    );
    expect(await charts.locator('figure[data-chart=errors] svg title').first().textContent()).toBe('sink: error rate per hour, last 24 h');
    await card.locator('summary').click();
    await shot('connectors');
  });

  it('backtests an edited rule against recent events', async () => {
    await page.goto(`${hub.base}/rules`);
    await page.locator('#rules td', { hasText: 'forward-github' }).waitFor();
    await page.fill(
      '#yaml',
      'rules:\n  - name: web-issues\n    on: github.issues.opened\n    when: { data.repository.full_name: acme/web }\n    do:\n      - notify: { channel: sink, text: "Issue {{subject}} by {{actor}}" }\n',
    );
    await page.fill('#last', '50');
    await page.click('#backtest');
    await page.locator('#backtest-summary').waitFor();
    expect(await page.locator('#backtest-summary').textContent()).toMatch(/^3 of the last \d+ events would have fired web-issues$/);
    expect(await page.locator('#hits').textContent()).toContain('Issue acme/web#43 by mona');
    await shot('rules');
    expect(cspViolations.join('\n')).toBe('');
  });
});

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { githubConnector } from '../../../../connectors/github/index.ts';
import { gitlabConnector } from '../../../../connectors/gitlab/index.ts';
import { createHubEvent, type HubEvent } from '../../../../src/events/hub-event.ts';
import { chatMessageFor } from '../../../../src/subscriptions/cards/chat-message.ts';
import { discordCard } from '../../../../src/subscriptions/chat/platforms/discord/render-card.ts';
import { mattermostCard } from '../../../../src/subscriptions/chat/platforms/mattermost/render-card.ts';
import { slackCard } from '../../../../src/subscriptions/chat/platforms/slack/render-card.ts';
import { connectorContext, signedRequest } from '../../../helpers/connector-request.ts';
import { anyString, stringContaining, stringMatching } from '../../../helpers/matchers.ts';

interface WebhookDefinition {
  name: string;
  examples: Record<string, unknown>[];
}
const require = createRequire(import.meta.url);
const definitions = require('@octokit/webhooks-examples') as WebhookDefinition[];
const now = new Date('2024-05-14T12:00:00Z');
const ghCtx = connectorContext(githubConnector, { type: 'github', secret: 'examples' }, now, 'gh');

async function githubEvent(name: string, index = 0, patch?: (p: Record<string, unknown>) => void): Promise<HubEvent> {
  const def = definitions.find((d) => d.name === name);
  const example = structuredClone(def?.examples[index] ?? {});
  patch?.(example);
  const body = Buffer.from(JSON.stringify(example));
  const { events } = await githubConnector.handle(
    signedRequest(githubConnector, ghCtx, body, { id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`, event: name }),
    ghCtx,
  );
  return events[0]!;
}

function fixture(provider: string, file: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../../connectors/${provider}/fixtures/${file}`, import.meta.url), 'utf8'));
}

describe('chat messages per feature', () => {
  it('every @octokit/webhooks-examples payload renders on every platform within their limits', async () => {
    for (const def of definitions) {
      for (let i = 0; i < def.examples.length; i++) {
        const message = chatMessageFor(await githubEvent(def.name, i));
        for (const card of [message.card, ...(message.thread ? [message.thread.parent] : [])]) {
          const slack = slackCard(card);
          expect(JSON.stringify(slack.attachments)).not.toMatch(/[^\\]<(?!https?:|mailto:)/); // everything else escaped
          expect((discordCard(card).title as string).length).toBeLessThanOrEqual(256);
          expect(mattermostCard(card).title).toBe(card.title);
        }
      }
    }
  });

  it('mattermost: event text in a card mentions nobody (Mattermost notifies mentions in attachment text and field values)', async () => {
    const event = await githubEvent('push', 0, (p) => {
      p.commits = [{ id: 'abcdef1234567', message: 'ping @channel and @all', author: { username: '@alice', name: 'Alice' } }];
    });
    const attachment = mattermostCard(chatMessageFor(event).card);
    const mentions = /@(?=[\p{L}\p{N}_.-])/u;
    expect(attachment.text).toContain('ping @\u200bchannel and @\u200ball');
    expect(String(attachment.text)).not.toMatch(mentions);
    for (const field of attachment.fields as { value: string }[]) expect(field.value).not.toMatch(mentions);
  });

  it('pull request: card with state, author, labels, branches, threaded per PR', async () => {
    const message = chatMessageFor(await githubEvent('pull_request'));
    expect(message.card).toMatchObject({ title: stringMatching(/^PR #\d+ /), state: anyString(), context: stringContaining('/') });
    expect(message.card.fields.map((f) => f.title)).toEqual(expect.arrayContaining(['State', 'Author', 'Branch']));
    expect(message.thread?.key).toMatch(/^[^#]+\/[^#]+#\d+$/);
  });

  it('merged pull request: state merged, purple, "merged the pull request" in the thread', async () => {
    const event = await githubEvent('pull_request', 0, (p) => {
      p.action = 'closed';
      Object.assign(p.pull_request as object, { state: 'closed', merged: true });
    });
    const message = chatMessageFor(event);
    expect(message.thread?.parent).toMatchObject({ state: 'merged', color: '#8250df' });
    expect(message.thread?.line).toMatch(/ merged the pull request$/);
  });

  it('push: commits listed with short sha and the compare link', async () => {
    const event = await githubEvent('push', 0, (p) => {
      p.commits = [{ id: 'abcdef1234567', message: 'Fix the thing\n\nlong body', author: { username: 'ana', name: 'Ana' } }];
    });
    const { card } = chatMessageFor(event);
    expect(card.title).toMatch(/^1 new commit pushed to /);
    expect(card.text).toBe('`abcdef1` Fix the thing — ana');
  });

  it('CI failure: failing job, step and link', () => {
    const event = createHubEvent({
      id: 'j',
      type: 'github.workflow_job.completed',
      connector: 'gh',
      data: {
        repository: { full_name: 'acme/api' },
        workflow_job: {
          name: 'test (20)',
          workflow_name: 'CI',
          conclusion: 'failure',
          head_branch: 'main',
          head_sha: '0123456789',
          html_url: 'https://github.com/acme/api/actions/runs/1/job/2',
          steps: [
            { name: 'Checkout', conclusion: 'success' },
            { name: 'Run tests', conclusion: 'failure' },
          ],
        },
      },
    });
    const { card } = chatMessageFor(event);
    expect(card).toMatchObject({
      title: 'CI failed: CI / test (20)',
      url: 'https://github.com/acme/api/actions/runs/1/job/2',
      color: '#cf222e',
    });
    expect(card.fields).toEqual(
      expect.arrayContaining([
        { title: 'Failing step', value: 'Run tests', short: true },
        { title: 'Branch', value: 'main', short: true },
      ]),
    );
  });

  it('payments: amount with currency and customer (Stripe and Razorpay fixtures)', () => {
    const failed = chatMessageFor(
      createHubEvent({
        id: 's',
        type: 'stripe.payment_intent.payment_failed',
        connector: 'stripe',
        data: fixture('stripe', 'payment_intent.payment_failed.json'),
      }),
    );
    expect(failed.card.title).toMatch(/^Payment failed: [\d,]+\.\d\d [A-Z]{3}$/);
    const refund = chatMessageFor(
      createHubEvent({ id: 's2', type: 'stripe.charge.refunded', connector: 'stripe', data: fixture('stripe', 'charge.refunded.json') }),
    );
    expect(refund.card.title).toMatch(/^Refund: /);
    const captured = chatMessageFor(
      createHubEvent({ id: 'r', type: 'razorpay.payment.captured', connector: 'rzp', data: fixture('razorpay', 'payment.captured.json') }),
    );
    expect(captured.card.title).toMatch(/^Payment captured: [\d,]+\.\d\d INR$/);
    expect(captured.card.fields.map((f) => f.title)).toContain('Customer');
  });

  it('GitLab fixtures: merge request threaded, pipeline with failed jobs, push', async () => {
    const ctx = connectorContext(gitlabConnector, { type: 'gitlab', secret: 'x' }, now, 'gl');
    const event = async (file: string) => {
      const body = readFileSync(new URL(`../../../../connectors/gitlab/fixtures/${file}`, import.meta.url));
      const { object_kind: kind } = JSON.parse(body.toString()) as { object_kind: string };
      const headers = gitlabConnector.sign(body, ctx, { id: `gl-${file}`, event: kind });
      const request = {
        method: 'POST',
        url: '/hooks/gl',
        headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
        body,
      };
      return (await gitlabConnector.handle(request, ctx)).events[0]!;
    };
    const mr = chatMessageFor(await event('merge_request.json'));
    expect(mr.card.title).toMatch(/^MR !\d+ /);
    expect(mr.thread?.key).toMatch(/!\d+$/);
    expect(chatMessageFor(await event('pipeline.json')).card.title).toMatch(/^Pipeline #\d+ /);
    expect(chatMessageFor(await event('push.json')).card.title).toMatch(/new commits? pushed to /);
  });

  it('any other event: a generic card', () => {
    const { card } = chatMessageFor(
      createHubEvent({
        id: 'x',
        type: 'sentry.issue.created',
        connector: 'sentry',
        subject: 'proj',
        title: 'TypeError in checkout',
        url: 'https://sentry.io/x',
        actor: 'ana',
        data: {},
      }),
    );
    expect(card).toEqual({
      title: 'TypeError in checkout',
      url: 'https://sentry.io/x',
      fields: [],
      context: 'sentry.issue.created · proj · by ana',
    });
  });
});

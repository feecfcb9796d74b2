import type { Action, ActionResult, Job } from '../action.ts';
import { requestApproval } from './approval-request.ts';
import { bluesky } from './bluesky.ts';
import { CrosspostParamsSchema, type CrosspostParams } from './crosspost-params.ts';
import { facebook } from './facebook.ts';
import { mastodon } from './mastodon.ts';
import type { Platform, PreparedPost } from './platform.ts';

type Platforms = { [K in CrosspostParams['platform']]: Platform<Extract<CrosspostParams, { platform: K }>> };

const PLATFORMS: Platforms = { mastodon, bluesky, facebook };

function accountOf(params: CrosspostParams): string {
  switch (params.platform) {
    case 'mastodon':
      return `${new URL(params.instance).host}`;
    case 'bluesky':
      return params.identifier;
    case 'facebook':
      return params.pageId;
  }
}

/** The post this job would make, without credentials (dry runs, approval requests, `rules test`). */
export function preparePost(params: CrosspostParams, job: Job): PreparedPost {
  return (PLATFORMS[params.platform] as Platform<CrosspostParams>).prepare(params, job);
}

/**
 * `crosspost`: publish to Mastodon, Bluesky or a Facebook Page. The text is fitted to the
 * platform (URLs never cut); `dryRun` records the post instead; `approval` holds it until someone
 * uses the signed, expiring link sent to a channel.
 */
export const crosspostAction: Action<CrosspostParams> = {
  type: 'crosspost',
  paramsSchema: CrosspostParamsSchema,
  // Mastodon's instance, Bluesky's login service, Facebook's Graph API (approval.url is the hub's own).
  destinationUrlParams: ['instance', 'service', 'graph'],
  destination: (params) => {
    try {
      return `crosspost:${params.platform}:${accountOf(params)}`;
    } catch {
      return `crosspost:${params.platform}`;
    }
  },
  policy: (params) => params,
  async execute(params, ctx): Promise<ActionResult> {
    const platform = PLATFORMS[params.platform] as Platform<CrosspostParams>;
    const prepared = platform.prepare(params, ctx.job);
    if (params.approval && !params.approved) return requestApproval(params, prepared, ctx);
    if (params.dryRun)
      return { response: JSON.stringify({ dryRun: true, platform: params.platform, text: prepared.text, request: prepared.payload }) };
    return platform.post(params, prepared, ctx.job, ctx);
  },
};

import { z } from 'zod';
import { didYouMean } from '../../shared/closest-match.ts';
import { chatPlatformNames, chatPlatforms, type ChatPlatformName } from '../chat/platforms/index.ts';

const TEAM_KEY = new RegExp(`^(${chatPlatformNames.join('|')}):(.+)$`);

function teamKeyProblem(key: string): string | undefined {
  const m = TEAM_KEY.exec(key);
  const platform = m?.[1] as ChatPlatformName | undefined;
  if (platform && chatPlatforms[platform].ids.shape.test(m?.[2] ?? '')) return undefined;
  const example = chatPlatformNames.map((p) => `${p}:${chatPlatforms[p].ids.example('channel').split(':')[1]?.split('/')[0]}`).join(', ');
  return `"${key}" is not a team or guild id qualified by its platform (${example}); names are not unique and can be changed, so teams takes ids only`;
}

/**
 * `subscriptions.teams`: which chat team or guild may subscribe to which connectors' events
 * (`slack:T024BE7LD: [github, stripe]`, or `'*'` for every connector). Absent: every team that may
 * use the command sees every connector (one team, or teams that share everything). Present: a
 * team not listed may subscribe to nothing.
 */
export const TeamsSchema = z
  .record(z.string(), z.union([z.literal('*'), z.array(z.string().min(1)).min(1, 'list connector names, or write * for all')]))
  .superRefine((teams, ctx) => {
    for (const key of Object.keys(teams)) {
      const problem = teamKeyProblem(key);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
    }
  });

/** `subscriptions.teams` entries naming a connector hookhub.yaml does not have, or a chat connector (its events are never relayed). */
export function unknownTeamConnectors(
  teams: Readonly<Record<string, '*' | readonly string[]>>,
  connectors: Readonly<Record<string, { type: string }>>,
): { path: [string, number]; message: string }[] {
  const names = Object.keys(connectors);
  return Object.entries(teams).flatMap(([key, entry]) =>
    (entry === '*' ? [] : entry).flatMap((name, index) => {
      const type = connectors[name]?.type;
      if (type === undefined)
        return [{ path: [key, index] as [string, number], message: `unknown connector "${name}"${didYouMean(name, names)}` }];
      if ((chatPlatformNames as readonly string[]).includes(type))
        return [
          {
            path: [key, index] as [string, number],
            message: `"${name}" is a ${type} connector: chat subscriptions never relay chat events`,
          },
        ];
      return [];
    }),
  );
}

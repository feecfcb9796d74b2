import { PROVIDERS } from '../compile/features.ts';

/** The reply to `/hookhub help [topic]`. Kept in step with docs/subscriptions.md. */
export function helpText(command: string, topic?: string): string {
  const c = `/${command}`;
  const gh = PROVIDERS.github;
  const sections: Record<string, string[]> = {
    subscribe: [
      `*${c} subscribe <target> [features] [filters]*`,
      '• Targets: `owner/repo`, `owner/*` (GitHub) · `gitlab:group/project`, `gitlab:group/*` · `stripe`, `razorpay` · any event type glob, e.g. `sentry.issue.*`',
      `• GitHub/GitLab features: ${Object.keys(gh.features).join(', ')} (default: ${gh.defaults.join(', ')}). \`commits:<branch-glob>\` (\`commits:*\` = every branch; plain \`commits\` = the default branch). \`workflows\` = failures, \`workflows:all\` = every run.`,
      '• Payment features: succeeded, failed, disputes, refunds (or `payments` for all), with an amount filter like `>=100 USD`',
      '• Filters: `+label:bug` · `+label:a,b` (any of) · `+label:a +label:b` (all of) · `-label:dependencies` · `+author:ana` · `-author:dependabot[bot]` · `branch:main` · quotes for spaces: `+label:"good first issue"`',
      '• Noise: `group:1m` (one digest per minute per PR/branch) · `throttle:10/1h`',
      `Subscribing again to the same target adds the new features; filters given replace the old ones.`,
    ],
    unsubscribe: [`*${c} unsubscribe <target> [features]*`, 'Without features the whole subscription goes; with features only those.'],
    list: [`*${c} list*`, 'The subscriptions and running mutes of this channel.'],
    mute: [
      `*${c} mute <target|all> <duration>*`,
      'Silences a subscription (or the whole channel) for e.g. `30m`, `2h`, `1d`, `1w` (at most 30 days).',
    ],
    unmute: [`*${c} unmute <target|all>*`, 'Ends a mute early.'],
    remind: [
      `*${c} remind <owner/repo> <days> <HH:MM> [Time/Zone] [filters] [older-than:4h]* · \`${c} remind list\` · \`${c} remind remove <owner/repo>\``,
      'At those times (days: `weekdays`, `daily`, `weekends`, `mon,wed,fri`, `mon-fri`; zone default UTC) this channel gets the open, non-draft PRs that wait for a requested reviewer, with the subscription filters (`+label:` `-label:` `+author:` `-author:`).',
    ],
  };
  const chosen = topic !== undefined ? sections[topic === 'sub' ? 'subscribe' : topic] : undefined;
  if (chosen) return chosen.join('\n');
  return [
    `*hookhub* sends events to this channel. Commands:`,
    ...Object.values(sections).map((lines) => lines[0] ?? ''),
    '',
    ...(sections.subscribe ?? []).slice(1),
    '',
    `Examples: \`${c} subscribe acme/api issues pulls +label:bug -author:dependabot[bot]\` · \`${c} subscribe stripe failed disputes >=100 USD\` · \`${c} mute acme/api 2h\``,
  ].join('\n');
}

import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../../src/config/env.ts';
import { parseConfig } from '../../../../src/config/load-config.ts';
import { ConfigError } from '../../../../src/errors.ts';

const FILE = '/etc/hookhub/hookhub.yaml';
const CONNECTORS = `connectors:
  github: { type: github, secret: s1 }
  slack: { type: slack, secret: s2 }
`;

function problems(teams: string): string[] {
  try {
    parseConfig(FILE, `${CONNECTORS}subscriptions:\n  teams:\n${teams}`, readEnv({}));
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return (err as ConfigError & { problems: string[] }).problems;
  }
}

describe('subscriptions.teams', () => {
  it('takes team ids qualified by their platform, each with * or connector names', () => {
    expect(problems(`    slack:T024BE7LD: '*'\n    discord:81384788765712384: [github]\n`)).toEqual([]);
  });

  it('reports each problem with its file:line: a name for an id, an unknown connector, a chat connector, an empty list', () => {
    const found = problems(`    slack:eng-team: '*'\n    slack:T024BE7LD: [githb, slack]\n    slack:T999: []\n`);
    expect(found).toHaveLength(2);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\/etc\/hookhub\/hookhub\.yaml:6:\d+: "slack:eng-team" is not a team or guild id qualified by its platform \(slack:T024BE7LD, /,
        ),
        expect.stringMatching(/^\/etc\/hookhub\/hookhub\.yaml:8:\d+: list connector names, or write \* for all/),
      ]),
    );
    const connectors = problems(`    slack:T024BE7LD: [githb, slack]\n`);
    expect(connectors).toEqual([
      expect.stringMatching(
        /^\/etc\/hookhub\/hookhub\.yaml:6:\d+: unknown connector "githb" \(did you mean "github"\?\).* \(at subscriptions\.teams\.slack:T024BE7LD\)$/,
      ),
      expect.stringMatching(
        /^\/etc\/hookhub\/hookhub\.yaml:6:\d+: "slack" is a slack connector: chat subscriptions never relay chat events/,
      ),
    ]);
  });
});

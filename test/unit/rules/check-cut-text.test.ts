import { describe, expect, it } from 'vitest';
import { compileYaml, printed } from './test-context.ts';

const rule = (lines: string) => `rules:\n  - on: github.push\n    do:\n      - notify: { channel: eng, text: "pushed" }\n${lines}`;

describe('cut names and descriptions', () => {
  it('warns where a same-line comment cuts an unquoted description, and still loads the rule', () => {
    const result = compileYaml(rule('    name: pushes\n    description: Pushes, announced on #eng.\n'));
    expect(printed(result)).toEqual([
      'rules/test.yaml:6:39: warning: description ends at "Pushes, announced on": YAML reads " #eng." as a comment; quote the whole description to keep it',
    ]);
    expect(result.ok).toBe(true);
    expect(result.ruleSet.rules[0]?.description).toBe('Pushes, announced on');
  });

  it('warns for a name followed by a comment', () => {
    const result = compileYaml(rule('    name: pushes # to eng\n'));
    expect(printed(result)).toEqual([
      'rules/test.yaml:5:18: warning: name ends at "pushes": YAML reads " # to eng" as a comment; quote the whole name to keep it',
    ]);
  });

  it('says nothing for a quoted value, a comment on its own line or a "#" inside the text', () => {
    const result = compileYaml(rule('    name: "pushes" # to eng\n    # a note\n    description: Pushes to eng#1 and C# code.\n'));
    expect(printed(result)).toEqual([]);
    expect(result.ruleSet.rules[0]?.description).toBe('Pushes to eng#1 and C# code.');
  });
});

import { describe, expect, it } from 'vitest';
import { actions } from '../../../src/actions/index.ts';
import { compileYaml, printed, testContext } from './test-context.ts';

const context = { ...testContext, registry: actions };

function rule(noise: string, action: string) {
  return compileYaml(`rules:\n  - name: r\n    on: github.push\n    ${noise}\n    do:\n      - ${action}\n`, context);
}

const webhook = 'webhook: { url: "https://hooks.example.com/in" }';
const notify = 'notify: { channel: eng, text: "{{title}}" }';

describe('rules whose events go out as digests', () => {
  it('refuse, at the action line, an action that cannot send a digest', () => {
    expect(printed(rule('group: { wait: 1m }', webhook))).toEqual([
      'rules/test.yaml:6:9: webhook cannot send a digest of the events group: holds back (notify can); use throttle:, or activeHours with outside: drop',
    ]);
    expect(printed(rule('activeHours: { from: "09:00", to: "18:00" }', webhook))).toEqual([
      'rules/test.yaml:6:9: webhook cannot send a digest of the events activeHours: (outside: hold) holds back (notify can); use throttle:, or activeHours with outside: drop',
    ]);
  });

  it('accept notify, and any action when nothing is held back for a digest', () => {
    expect(rule('group: { wait: 1m }', notify).ok).toBe(true);
    expect(rule('activeHours: { from: "09:00", to: "18:00", outside: drop }', webhook).ok).toBe(true);
    expect(rule('throttle: { max: 5, per: 1h }', webhook).ok).toBe(true);
  });
});

describe('throttle max', () => {
  it('is refused, at its line, above what one throttle window can remember', () => {
    expect(printed(rule('throttle: { max: 50000, per: 1d }', notify))).toEqual([
      'rules/test.yaml:4:22: "max": at most 1000 per window (use a shorter per: for more)',
    ]);
    expect(rule('throttle: { max: 1000, per: 1d }', notify).ok).toBe(true);
  });
});

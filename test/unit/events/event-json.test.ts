import { describe, expect, it } from 'vitest';
import { eventJson } from '../../../src/events/event-json.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';

describe('eventJson', () => {
  it('parses to the event itself, with the data as the text gives it', () => {
    const text = '{\n  "n": 12345678901234567890, "s": "é ✓ \\"q\\" \\ud83d\\ude00", "a": [1, {"b": null}], "__proto__": {"x": 1}\n}';
    const data = JSON.parse(text) as unknown;
    const event = createHubEvent({ id: 'd1', type: 'github.push', connector: 'gh', data, title: 'T' }, new Date('2026-12-05T10:00:00Z'));
    const json = eventJson(event, text);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(event)));
    expect(json).toContain(text);
  });
});

import { expect, it } from 'vitest';
import type { Job } from '../../../../src/actions/action.ts';
import { actions } from '../../../../src/actions/index.ts';
import { prepareJob } from '../../../../src/actions/runtime/prepare-job.ts';

function job(action: string): Job {
  return {
    id: `e1:r:0`,
    eventId: 'e1',
    eventType: 'github.push',
    rule: 'r',
    index: 0,
    action,
    params: {},
    createdAt: '2026-01-01T00:00:00Z',
  };
}

// A name inherited from Object.prototype must be an unknown action (dead-lettered), not a method that throws on every delivery.
it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('treats the inherited name %s as an unknown action', (name) => {
  expect(prepareJob(job(name), actions, { channels: {} }, undefined)).toEqual({ error: `unknown action type "${name}"` });
});

/** Through the real delivery worker: the provider's own error text lands in the attempt record and the dead letter. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  attempts,
  embeddedBackend,
  eventually,
  makeJob,
  publishJob,
  startWorker,
  type BusHandle,
} from '../../../integration/delivery-harness.ts';
import { startFakeApi, type FakeApi } from './fake-api.ts';

let handle: BusHandle | undefined;
let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  await handle?.cleanup();
});

describe('ci through the delivery worker', () => {
  it("GitHub's 422 message is in the attempt record and the dead letter, verbatim, after one attempt", async () => {
    api = await startFakeApi(() => ({
      status: 422,
      body: {
        message: "Workflow does not have 'workflow_dispatch' trigger",
        documentation_url: 'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event',
        status: '422',
      },
    }));
    handle = await embeddedBackend.open();
    const job = makeJob('ci', {
      provider: 'github',
      api: api.url,
      token: 'ghp_secret',
      owner: 'acme',
      repo: 'api',
      workflow: 'lint.yml',
      ref: 'main',
    });
    await publishJob(handle.bus, job);
    const worker = startWorker(handle.bus);
    try {
      await eventually(async () => (await handle!.bus.deadLetters()).some((d) => d.id === job.id), 'the dead letter');
      const [attempt] = await attempts(handle.bus, job.id);
      expect(attempt).toMatchObject({
        outcome: 'failed',
        status: 422,
        error: "HTTP 422 from GitHub: Workflow does not have 'workflow_dispatch' trigger",
      });
      expect(String(attempt?.response)).toContain('documentation_url');
      const [letter] = await handle.bus.deadLetters();
      expect(letter?.reason).toBe("permanent failure: HTTP 422 from GitHub: Workflow does not have 'workflow_dispatch' trigger");
      expect(api.requests).toHaveLength(1);
      // The token never reaches the attempt record.
      expect(JSON.stringify(await handle.bus.records(job.id))).not.toContain('ghp_secret');
    } finally {
      await worker.stop();
    }
  });
});

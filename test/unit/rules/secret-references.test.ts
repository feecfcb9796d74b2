import { describe, expect, it } from 'vitest';
import { prepareJob } from '../../../src/actions/runtime/prepare-job.ts';
import { planJobs } from '../../../src/rules/plan-jobs.ts';
import { compileYaml, event, testContext, testRegistry } from './test-context.ts';

const vars = { HOOK_SECRET: 'whsec-from-env-123', API_TOKEN: 'tok-from-env-456' };

function plan(yaml: string, data: Record<string, unknown> = {}) {
  const loaded = compileYaml(yaml, { ...testContext, vars });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  const e = event({ type: 'github.push', data });
  const [verdict] = loaded.ruleSet.explain(e);
  return planJobs(verdict!, e, { registry: testRegistry, now: () => new Date(0) });
}

describe('secret params written as ${VAR}', () => {
  const yaml = `rules:
  - name: out
    on: github.push
    do:
      - webhook:
          url: https://example.com/hook
          secret: \${HOOK_SECRET}
          headers: { Authorization: "Bearer \${API_TOKEN}", X-Note: "\${API_TOKEN}" }
`;

  it('are stored as the reference in the job and resolved from the environment at send time', () => {
    const [job] = plan(yaml).jobs;
    expect(job?.params).toMatchObject({
      secret: '${HOOK_SECRET}',
      headers: { Authorization: 'Bearer ${API_TOKEN}', 'X-Note': vars.API_TOKEN },
    });
    expect(JSON.stringify(job)).not.toContain(vars.HOOK_SECRET);
    const prepared = prepareJob(job!, testRegistry, { channels: {} }, undefined, vars);
    expect(prepared).toMatchObject({ params: { secret: vars.HOOK_SECRET, headers: { Authorization: `Bearer ${vars.API_TOKEN}` } } });
  });

  it('fail the job with the variable name when it is unset at send time', () => {
    const [job] = plan(yaml).jobs;
    const prepared = prepareJob(job!, testRegistry, { channels: {} }, undefined, {});
    expect('error' in prepared && prepared.error).toContain('environment variable HOOK_SECRET is not set');
  });

  it("never read a template's output as a reference, so event data cannot pull the hub's environment", () => {
    const templated = yaml.replace('secret: ${HOOK_SECRET}', 'secret: "{{data.s}}"');
    const [job] = plan(templated, { s: '${HOOK_SECRET}' }).jobs;
    expect(job?.secretRefs).toEqual([['headers', 'Authorization']]);
    const prepared = prepareJob(job!, testRegistry, { channels: {} }, undefined, vars);
    expect(prepared).toMatchObject({ params: { secret: '${HOOK_SECRET}' } });
  });
});

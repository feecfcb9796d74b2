/**
 * Load generator (its own process): autocannon POSTs signed GitHub webhooks, each with a unique
 * X-GitHub-Delivery and body, for a fixed time or a fixed count, then prints one JSON result line.
 * The result includes the generator's own CPU time over the run (loadCpuMs).
 * Usage: ingest-load.ts --url URL --secret S [--seconds N | --amount N] [--connections 32] [--prefix P] [--payload small|large]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { githubTemplate } from './github-request.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    secret: { type: 'string' },
    seconds: { type: 'string' },
    amount: { type: 'string' },
    connections: { type: 'string', default: '32' },
    prefix: { type: 'string' },
    payload: { type: 'string', default: 'small' },
  },
});
const template = githubTemplate(values.secret ?? '', values.payload === 'large' ? 'large' : 'small');
const prefix = values.prefix ?? randomUUID().slice(0, 8);
let next = 0;

// The load's own CPU: the generator shares the machine's cores, so the table can show what it leaves a server.
const cpuBefore = process.cpuUsage();
const result = await autocannon({
  url: values.url ?? '',
  connections: Number(values.connections),
  pipelining: 1,
  timeout: 10,
  ...(values.amount ? { amount: Number(values.amount) } : { duration: Number(values.seconds ?? '10') }),
  requests: [
    {
      method: 'POST',
      path: '/hooks/github',
      headers: template.headers,
      body: template.body,
      setupRequest: (request) => {
        const { body, headers } = template.delivery(`${prefix}-${(next++).toString(36)}`);
        return { ...request, body, headers: { ...request.headers, ...headers } };
      },
    },
  ],
});

const cpu = process.cpuUsage(cpuBefore);
const statuses: Record<string, number> = {};
for (const [code, stat] of Object.entries(result.statusCodeStats)) statuses[code] = Number(stat.count);
process.stdout.write(
  `${JSON.stringify({
    seconds: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    sent: next,
    statuses,
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    loadCpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
);

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openBusForHub } from '../../src/bus/create-bus.ts';
import type { RetryingBus } from '../../src/bus/retrying-bus.ts';
import { NatsBusSchema } from '../../src/config/nats-bus-schema.ts';
import { connectionReport } from '../../src/hub-monitoring.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { eventually } from '../contract/bus-contract-helpers.ts';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.ts';

describe('a lost NATS connection is logged and counted', () => {
  let server: NatsServerHandle | undefined;
  let bus: RetryingBus | undefined;
  afterEach(async () => {
    await bus?.close();
    await server?.stop();
  });

  it('warns when the connection goes, says when it is back and how long it was gone, and counts the reconnect', async () => {
    server = await startNatsServer();
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const metrics = createMetrics({ processMetrics: false });
    // A server without auth takes any user: the credentials in the URL must still never be logged.
    const url = `nats://hub:s3cret-pass@127.0.0.1:${server.port}`;
    const config = NatsBusSchema.parse({ type: 'nats', url });
    bus = await openBusForHub(config, logger, undefined, { connection: connectionReport(logger, metrics) });
    const reconnects = async () => (await metrics.busReconnects.get()).values[0]?.value ?? 0;
    expect(await reconnects()).toBe(0);

    await server.kill();
    await eventually(() => lines.some((l) => String(l.msg).startsWith('lost the connection to NATS')), 'lost logged');
    await server.restart();
    await eventually(() => lines.some((l) => l.msg === 'reconnected to NATS'), 'reconnect logged', 20_000);

    const lost = lines.find((l) => String(l.msg).startsWith('lost the connection to NATS'));
    const back = lines.find((l) => l.msg === 'reconnected to NATS');
    expect(lost).toMatchObject({ level: 40, server: `127.0.0.1:${server.port}` });
    expect(back).toMatchObject({ level: 30, server: `127.0.0.1:${server.port}` });
    expect(back?.downMs).toBeGreaterThan(0);
    expect(await reconnects()).toBe(1);
    expect(JSON.stringify(lines)).not.toContain('s3cret-pass');
  }, 40_000);
});

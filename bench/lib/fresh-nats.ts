/**
 * A bench server on a nats-server of its own, stopped with it: each round or row starts from an empty
 * store, as the embedded ones do with a new file. On one shared server, each found the streams and buckets
 * the earlier ones had filled (a reference publishes more slowly there, and a hub's router could start with
 * another round's events still to skip).
 */
import { startNatsServer } from '../../test/helpers/nats-server.ts';
import { readCpuMs, type NodeProcess } from './hub-process.ts';

/** A server under test; on NATS, with the CPU time its nats-server has used (part of what a request costs the machine). */
export type BenchServer = NodeProcess & { busCpuMs?: () => number };

/** CPU time used from now on: the server's (every thread, every process of it) and its nats-server's, in ms. */
export function cpuMeter(server: BenchServer): () => { cpuMs: number; busCpuMs?: number } {
  const cpuBefore = server.cpuMs();
  const busBefore = server.busCpuMs?.() ?? 0;
  return () => ({
    cpuMs: server.cpuMs() - cpuBefore,
    ...(server.busCpuMs ? { busCpuMs: server.busCpuMs() - busBefore } : {}),
  });
}

export async function onFreshNats(start: (natsUrl: string) => Promise<NodeProcess>): Promise<BenchServer> {
  const nats = await startNatsServer();
  const server = await start(nats.url).catch(async (err: unknown) => {
    await nats.stop();
    throw err;
  });
  const pid = nats.pid();
  if (pid === undefined) {
    // Reading the CPU of no process gives 0: the table would show a nats-server that cost nothing.
    await server.kill('SIGTERM');
    await nats.stop();
    throw new Error('the nats-server for this bench round stopped as soon as it started; run `nats-server -js` by hand to see why');
  }
  return {
    ...server,
    busCpuMs: () => readCpuMs(pid),
    kill: async (signal) => {
      const exit = await server.kill(signal);
      await nats.stop();
      return exit;
    },
  };
}

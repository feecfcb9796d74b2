import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { createScheduler, type FireResult } from '../../src/scheduler/create-scheduler.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { ruleSetFrom, scheduledRule } from '../unit/scheduler/rule-sets.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./scheduler-child.ts', import.meta.url));
const RUN_MS = 4_500;

/** Starts the other hub process and collects its tick outcomes until it exits. */
function startChild(args: string[]): { ready: Promise<void>; done: Promise<FireResult[]> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const results: FireResult[] = [];
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    const lines = out.split('\n');
    out = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') markReady();
      else if (line.startsWith('{')) results.push(JSON.parse(line) as FireResult);
    }
  });
  const done = new Promise<FireResult[]>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(results) : reject(new Error(`scheduler child exited ${code}: ${err}`)))),
  );
  return { ready: Promise.race([ready, done.then(() => undefined)]), done };
}

/** This process's scheduler, on its own bus connection, for RUN_MS. */
async function runHere(bus: EventBus): Promise<FireResult[]> {
  const results: FireResult[] = [];
  const rules = ruleSetFrom(`rules:\n${scheduledRule('every-second', '* * * * * *')}`);
  const scheduler = createScheduler({ bus, getRuleSet: () => rules, logger: pino({ level: 'silent' }), onFire: (r) => results.push(r) });
  scheduler.start();
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  await scheduler.stop();
  return results;
}

async function assertExactlyOnce(bus: EventBus, here: FireResult[], there: FireResult[]) {
  const stored = await bus.query({ stream: 'events', subject: 'hookhub.schedule.every-second', limit: 1_000 });
  const ticks = new Map<string, FireResult[]>();
  for (const r of [...here, ...there]) ticks.set(r.tick, [...(ticks.get(r.tick) ?? []), r]);
  // Both processes fired the same ticks (contention really happened)...
  const contested = [...ticks.values()].filter((list) => list.length === 2);
  expect(contested.length).toBeGreaterThanOrEqual(2);
  // ...and for every tick exactly one publish was stored; the other was a duplicate.
  for (const [tick, list] of ticks) expect(list.filter((r) => !r.duplicate).length, tick).toBe(1);
  expect(stored.map((m) => m.id).sort()).toEqual([...ticks.keys()].map((t) => `schedule:every-second:${t}`).sort());
}

describe('scheduler: two hub processes, one fire per tick', () => {
  it('embedded bus: two processes sharing the SQLite file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hookhub-sched2-'));
    const path = join(dir, 'hub.db');
    const bus = await createEmbeddedBus({ path });
    try {
      const child = startChild(['embedded', path, String(RUN_MS)]);
      await child.ready;
      const [here, there] = await Promise.all([runHere(bus), child.done]);
      await assertExactlyOnce(bus, here, there);
    } finally {
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  const nats = useNatsServer();
  it('NATS JetStream: two processes on one server', async () => {
    const prefix = `sched${process.pid}`;
    const bus = await createNatsBus({ url: nats().url, prefix });
    try {
      const child = startChild(['nats', nats().url, prefix, String(RUN_MS)]);
      await child.ready;
      const [here, there] = await Promise.all([runHere(bus), child.done]);
      await assertExactlyOnce(bus, here, there);
    } finally {
      await bus.close();
    }
  });
});

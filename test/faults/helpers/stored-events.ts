/** Opens the hub's bus from the test process and lists which accepted ids are not stored. */
import { createEmbeddedBus } from '../../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { createNatsBus } from '../../../src/bus/nats/nats-bus.ts';
import type { BusChoice } from '../../../bench/lib/hub-config.ts';

export function openBus(choice: BusChoice): Promise<EventBus> {
  // The hub's replica count: opening with another one would scale the streams.
  return choice.type === 'nats'
    ? createNatsBus({ url: choice.url, replicas: choice.replicas ?? 1 })
    : createEmbeddedBus({ path: choice.path });
}

/** The ids (answered 202 by the hub) that the bus does not hold as events. */
export async function missingEvents(choice: BusChoice, ids: readonly string[]): Promise<string[]> {
  const bus = await openBus(choice);
  try {
    const missing: string[] = [];
    for (const id of ids) if ((await bus.get('events', id)) === undefined) missing.push(id);
    return missing;
  } finally {
    await bus.close();
  }
}

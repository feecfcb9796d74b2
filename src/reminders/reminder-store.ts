import type { BusKv } from '../bus/event-bus.ts';
import type { ChatChannel } from '../subscriptions/subscription.ts';
import { channelKey } from '../subscriptions/subscription-store.ts';
import type { Reminder } from './reminder.ts';

export const REMINDERS_BUCKET = 'reminders';

export interface ReminderStore {
  get(id: string): Promise<Reminder | undefined>;
  list(): Promise<Reminder[]>;
  inChannel(channel: ChatChannel): Promise<Reminder[]>;
  put(reminder: Reminder): Promise<void>;
  delete(id: string): Promise<void>;
}

/** Reminders in the bus kv bucket `reminders` (SQLite on the embedded bus, a KV bucket on NATS). */
export function createReminderStore(bus: BusKv): ReminderStore {
  const kv = bus.kv(REMINDERS_BUCKET);
  const list = async () => (await kv.entries<Reminder>()).map((e) => e.value);
  return {
    get: async (id) => (await kv.get<Reminder>(id))?.value,
    list,
    async inChannel(channel) {
      const key = channelKey(channel);
      return (await list()).filter((r) => channelKey(r.channel) === key).sort((a, b) => a.repo.localeCompare(b.repo));
    },
    put: (reminder) => kv.put(reminder.id, reminder).then(() => undefined),
    delete: (id) => kv.delete(id).then(() => undefined),
  };
}

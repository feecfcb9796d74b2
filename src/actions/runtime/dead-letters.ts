import type { DeadLetter, EventBus } from '../../bus/event-bus.ts';
import { RecordKind } from './attempt-history.ts';

export type DeadLetterSelection = { id: string } | { all: true; since?: Date };

export interface RetriedDeadLetter {
  id: string;
  subject: string;
}

/**
 * Republishes dead letters to the `jobs` stream with `{ replay: true }`, keeping the job id (the
 * idempotency key). Each gets a `replay` record first, which starts a fresh cycle of attempts; a job
 * that in fact succeeded earlier is acknowledged without being sent again. The dead letter is removed
 * only after the job is durably republished.
 */
export async function retryDeadLetters(
  bus: EventBus,
  selection: DeadLetterSelection,
  now: () => Date = () => new Date(),
): Promise<RetriedDeadLetter[]> {
  const letters = 'id' in selection ? await findOne(bus, selection.id) : await listAll(bus, selection.since);
  const retried: RetriedDeadLetter[] = [];
  for (const letter of letters) {
    await bus.record({ ref: letter.id, kind: RecordKind.replay, time: now().toISOString(), data: { reason: letter.reason } });
    await bus.publish('jobs', { id: letter.id, subject: letter.subject, payload: letter.payload }, { replay: true });
    await bus.takeDeadLetter(letter.id);
    retried.push({ id: letter.id, subject: letter.subject });
  }
  return retried;
}

/** All dead letters since a time (oldest first). */
export async function listAll(bus: EventBus, since?: Date): Promise<DeadLetter[]> {
  return bus.deadLetters({ ...(since ? { since } : {}), limit: 1_000_000 });
}

async function findOne(bus: EventBus, id: string): Promise<DeadLetter[]> {
  const letters = await listAll(bus);
  const letter = letters.find((entry) => entry.id === id);
  if (letter === undefined) throw new DeadLetterNotFoundError(id);
  return [letter];
}

export class DeadLetterNotFoundError extends Error {
  override name = 'DeadLetterNotFoundError';
  constructor(readonly id: string) {
    super(`no dead letter with id "${id}"`);
  }
}

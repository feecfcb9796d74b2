/**
 * A durable consumer that existed before and is gone (an operator ran `nats consumer rm`, or NATS lost it)
 * must not be created again reading from the start of its stream: every retained message it had finished
 * would be delivered again (the router would route up to the id horizon of events once more). Each
 * subscription saves its consumer's ack floor in a kv bucket every few seconds; a consumer created where a
 * floor was saved for the same stream starts right after it. Messages acked since the last save, and those
 * acked above the floor out of order, are delivered again: never fewer than were unfinished.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { KvBucket } from '../kv.ts';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';
import type { ConsumerTarget } from './nats-subscription.ts';

/** The kv bucket of the saved floors. */
export const FLOOR_BUCKET = 'consumer-floors';
const FLOOR_SAVE_MS = 5_000;

/** A durable consumer created again after its saved ack floor, not from the start of its stream. */
export interface ConsumerRecreation {
  stream: string;
  consumer: string;
  /** Its first message: the saved ack floor + 1. */
  startSeq: number;
  /** The stream's last sequence then: messages up to it the consumer had finished were not delivered again. */
  lastSeq: number;
}

export interface ConsumerFloors {
  kv: KvBucket;
  /** Told when a consumer is created again after its saved floor (the hub logs it at warn level). */
  recreated?: (recreation: ConsumerRecreation) => void;
  /** How often a subscription saves its consumer's ack floor. Default 5 s. */
  saveEveryMs?: number;
}

interface SavedFloor {
  floor: number;
  /** The stream's creation time: a floor of a stream lost and made again says nothing about the new one. */
  streamCreated: string;
}

const floorKey = (target: ConsumerTarget): string => `${target.stream}/${target.durable}`;

/** The first sequence a durable consumer made now should read: after its saved ack floor, or undefined (from the start). */
export async function savedStart(
  jsm: JetStreamManager,
  floors: ConsumerFloors,
  target: ConsumerTarget,
): Promise<ConsumerRecreation | undefined> {
  const saved = (await floors.kv.get<SavedFloor>(floorKey(target)))?.value;
  if (saved === undefined || !(saved.floor > 0)) return undefined;
  const stream = await jsm.streams.info(target.stream);
  if (stream.created !== saved.streamCreated || saved.floor > stream.state.last_seq) return undefined;
  return { stream: target.stream, consumer: target.durable, startSeq: saved.floor + 1, lastSeq: stream.state.last_seq };
}

/** Saves the consumer's ack floor every few seconds while started; a failed save is reported and tried again at the next. */
export function createFloorKeeper(
  jsm: JetStreamManager,
  floors: ConsumerFloors,
  target: ConsumerTarget,
  onError: (error: unknown) => void,
) {
  let timer: NodeJS.Timeout | undefined;
  let lastSaved = 0;
  let saving = false;
  const save = async (): Promise<void> => {
    const floor = await ackFloor(jsm, target);
    // An unmoved floor needs no write, nor the stream info a write carries.
    if (floor === undefined || floor === 0 || floor === lastSaved) return;
    const streamCreated = (await jsm.streams.info(target.stream)).created;
    await floors.kv.put(floorKey(target), { floor, streamCreated } satisfies SavedFloor);
    lastSaved = floor;
  };
  const tick = (): void => {
    if (saving) return;
    saving = true;
    void save()
      .catch(onError)
      .finally(() => (saving = false));
  };
  return {
    start(): void {
      timer ??= setInterval(tick, floors.saveEveryMs ?? FLOOR_SAVE_MS);
    },
    stop(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

async function ackFloor(jsm: JetStreamManager, target: ConsumerTarget): Promise<number | undefined> {
  try {
    return (await jsm.consumers.info(target.stream, target.durable)).ack_floor.stream_seq;
  } catch (error) {
    if (hasNatsCode(error, NatsErrorCodes.ConsumerNotFound)) return undefined;
    throw error;
  }
}

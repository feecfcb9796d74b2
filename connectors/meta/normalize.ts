import { createHash } from 'node:crypto';
import type { DroppedItem } from '../connector.ts';
import { firstLine, pick, pickNumber, pickString } from '../shared/pick.ts';
import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';
import { PayloadError } from '../../src/errors.ts';
import { metaActor, metaTitle } from './titles.ts';

const NAME = /^[a-z0-9_]{1,64}$/;

/** Messenger `messaging[]` items carry no `field`: name them after the webhook field that sends them. */
const MESSAGING_FIELDS: readonly (readonly [string, string])[] = [
  ['message', 'messages'],
  ['postback', 'messaging_postbacks'],
  ['delivery', 'message_deliveries'],
  ['read', 'message_reads'],
  ['optin', 'messaging_optins'],
  ['reaction', 'message_reactions'],
  ['referral', 'messaging_referrals'],
  ['account_linking', 'messaging_account_linking'],
  ['message_edit', 'message_edits'],
  ['game_play', 'messaging_game_plays'],
  // https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_handovers
  ['pass_thread_control', 'messaging_handovers'],
  ['take_thread_control', 'messaging_handovers'],
  ['request_thread_control', 'messaging_handovers'],
  ['app_roles', 'messaging_handovers'],
];

interface Item {
  field: string;
  value: unknown;
  time: number | undefined;
}

/** What a verified Meta payload holds: an event per usable item, and the items that can never be one. */
export interface MetaBatch {
  events: HubEvent[];
  dropped: DroppedItem[];
}

/**
 * Splits a verified Meta payload into one HubEvent per `entry[].changes[]`, `entry[].messaging[]` and
 * `entry[].standby[]` item: type `meta.<object>.<field>`, data `{object, entry: {id, time}, field, value}`.
 * The id is `<object>:<entry id>:<time>:<field>:<digest of the item>`: a batched retry regroups
 * entries differently, but each change keeps its id, and two changes in one entry stay distinct.
 * An unusable entry or change is dropped, not the batch: Meta retries a refused delivery for hours with
 * the same item in it (and disables a callback that keeps failing), so refusing would lose the good ones too.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications
 */
export function normalizeMeta(payload: Record<string, unknown>, connector: string, now: Date): MetaBatch {
  const object = pickString(payload, 'object');
  if (object === undefined || !NAME.test(object)) throw new PayloadError('body has no usable `object` (not a Meta webhook payload)');
  const entries = pick(payload, 'entry');
  if (!Array.isArray(entries)) throw new PayloadError('body has no `entry` list (not a Meta webhook payload)');
  const batch: MetaBatch = { events: [], dropped: [] };
  for (const [index, entry] of (entries as unknown[]).entries()) {
    const where = `entry[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) batch.dropped.push({ item: where, reason: 'not an object' });
    else batch.events.push(...entryEvents(entry, { object, where, connector, now }, batch.dropped));
  }
  if (batch.events.length === 0 && batch.dropped.length === 0) {
    throw new PayloadError('Meta payload has no entry[].changes[], messaging[] or standby[] items');
  }
  return batch;
}

/** One event per usable item of an entry. */
function entryEvents(
  entry: object,
  batch: { object: string; where: string; connector: string; now: Date },
  dropped: DroppedItem[],
): HubEvent[] {
  const { object, connector } = batch;
  const entryId = pickString(entry, 'id') ?? '-';
  const entryTime = pickNumber(entry, 'time');
  return itemsOf(entry, batch.where, dropped).map((item) => {
    const time = item.time ?? entryTime;
    return createHubEvent(
      {
        id: [object, safe(entryId), entryTime ?? '-', item.field, digest(item.value)].join(':'),
        type: `meta.${object}.${item.field}`,
        connector,
        data: { object, entry: { id: entryId, time: entryTime }, field: item.field, value: item.value },
        time: time !== undefined ? toDate(time) : undefined,
        subject: entryId === '-' ? undefined : entryId,
        title: firstLine(metaTitle(item.value)),
        actor: metaActor(item.value),
      },
      batch.now,
    );
  });
}

/** The entry's items; what cannot be one goes to `dropped`, named by its place in the body. */
function itemsOf(entry: object, where: string, dropped: DroppedItem[]): Item[] {
  const items: Item[] = [];
  const list = (key: string): unknown[] => {
    const value = pick(entry, key);
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    dropped.push({ item: `${where}.${key}`, reason: 'not a list' });
    return [];
  };
  list('changes').forEach((change, i) => {
    const field = pickString(change, 'field')?.toLowerCase();
    if (field === undefined || !NAME.test(field)) dropped.push({ item: `${where}.changes[${i}]`, reason: 'no usable `field`' });
    else items.push({ field, value: pick(change, 'value'), time: undefined });
  });
  for (const message of list('messaging')) {
    items.push({ field: messagingField(message), value: message, time: pickNumber(message, 'timestamp') });
  }
  // An app that does not own a conversation (handover protocol, conversation routing) gets its messages,
  // reads and deliveries in `standby[]` instead of `messaging[]`: they are that webhook field's events.
  // https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/standby
  for (const message of list('standby')) {
    items.push({ field: 'standby', value: message, time: pickNumber(message, 'timestamp') });
  }
  const isEmpty = ['changes', 'messaging', 'standby'].every((key) => pick(entry, key) === undefined);
  if (isEmpty) dropped.push({ item: where, reason: 'no changes[], messaging[] or standby[]' });
  return items;
}

function messagingField(item: unknown): string {
  if (pick(item, 'message', 'is_echo') === true) return 'message_echoes';
  return MESSAGING_FIELDS.find(([key]) => pick(item, key) !== undefined)?.[1] ?? 'messaging';
}

function digest(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? 'null')
    .digest('hex')
    .slice(0, 16);
}

function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
}

/** Page entries carry Unix seconds, Messenger items milliseconds. */
function toDate(time: number): Date {
  return new Date(time > 1e11 ? time : time * 1000);
}

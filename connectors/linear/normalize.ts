import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';
import { PayloadError } from '../../src/errors.ts';
import { firstLine, pick, pickString } from '../shared/pick.ts';

export interface LinearDelivery {
  connector: string;
  /** `Linear-Delivery`, or a body digest. */
  id: string;
  now: Date;
}

const TYPE = /^[A-Za-z][A-Za-z0-9]*$/;
const ACTION = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Maps a verified Linear webhook body to a HubEvent: `{type: "Issue", action: "create"}` ->
 * `linear.issue.create` (lowercased, Linear's own words). https://linear.app/developers/webhooks
 */
export function normalizeLinear(payload: Record<string, unknown>, delivery: LinearDelivery): HubEvent {
  const type = pickString(payload, 'type');
  const action = pickString(payload, 'action');
  if (type === undefined || action === undefined) throw new PayloadError('body has no type and action (is this a Linear webhook?)');
  if (!TYPE.test(type) || !ACTION.test(action)) throw new PayloadError('body type/action are not Linear names');
  const data = pick(payload, 'data');
  const createdAt = pickString(payload, 'createdAt');
  return createHubEvent(
    {
      id: delivery.id,
      type: `linear.${type}.${action}`,
      connector: delivery.connector,
      data: payload,
      time: createdAt !== undefined && !Number.isNaN(Date.parse(createdAt)) ? new Date(createdAt) : undefined,
      subject: pickString(data, 'identifier') ?? pickString(data, 'issue', 'identifier') ?? pickString(data, 'id'),
      title:
        pickString(data, 'title') ?? pickString(data, 'name') ?? firstLine(pickString(data, 'body')) ?? pickString(data, 'issue', 'title'),
      url: pickString(payload, 'url') ?? pickString(data, 'url'),
      actor: pickString(payload, 'actor', 'name'),
    },
    delivery.now,
  );
}

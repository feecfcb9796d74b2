/**
 * The first segment of the hub's own event types (meta-events such as `hookhub.job.dead_lettered`,
 * scheduled ticks). A connector that names it as its provider would let whoever holds its secret
 * send events rules take for the hub's own: false alerts into the operators' channels.
 */
export const HUB_EVENT_PREFIX = 'hookhub';

export function isHubEventPrefix(provider: string): boolean {
  return provider.toLowerCase() === HUB_EVENT_PREFIX;
}

export const HUB_PREFIX_MESSAGE = `provider may not be ${HUB_EVENT_PREFIX}: hookhub.* event types are the hub's own (meta-events, scheduled ticks); name the sender`;

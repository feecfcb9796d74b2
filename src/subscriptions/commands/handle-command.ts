import type { MuteStore } from '../../noise/mutes.ts';
import { mayChange, notAllowedMessage } from './authorize.ts';
import type { ChatRequest } from '../chat/chat-request.ts';
import type { CommandExtension } from './command-extension.ts';
import { isBuiltInCommand, parseCommand, type ChatCommand } from './command-parser.ts';
import { describeSubscription } from './describe.ts';
import { formatDuration } from './durations.ts';
import { helpText } from './help-text.ts';
import type { SubscriptionsConfig } from '../settings.ts';
import { hasFilters, type Subscription } from '../subscription.ts';
import { channelKey, subscriptionId, type SubscriptionStore } from '../subscription-store.ts';
import { targetKey, type Target } from '../targets.ts';
import { deliveryProblem } from '../chat/delivery-check.ts';
import { idleFilters } from '../compile/compile-subscription.ts';
import { scopeOf, type SubscriptionScope } from '../scope/subscription-scope.ts';

/** What the command answers; `channel` replies are visible to everyone, `ephemeral` to the sender only. */
export interface CommandReply {
  text: string;
  visibility: 'channel' | 'ephemeral';
}

export interface CommandDeps {
  store: SubscriptionStore;
  mutes: MuteStore;
  settings: SubscriptionsConfig;
  /** Which connectors' events this channel's team may subscribe to (reminders check it too). */
  scope: SubscriptionScope;
  now: () => Date;
  /** Verbs other features add (review reminders add `remind …`); absent in processes that do not serve them. */
  commands?: readonly CommandExtension[];
  /** Called after subscriptions changed, so this process recompiles its rules at once. */
  onChange?: () => Promise<void> | void;
}

type Handler<V extends ChatCommand['verb']> = (
  command: Extract<ChatCommand, { verb: V }>,
  request: ChatRequest,
  deps: CommandDeps,
) => Promise<CommandReply>;

const ephemeral = (text: string): CommandReply => ({ text, visibility: 'ephemeral' });
const CHANGES = new Set<ChatCommand['verb']>(['subscribe', 'unsubscribe', 'mute', 'unmute']);

/** Runs one chat command. Never throws for bad input or missing rights: those get a reply. */
export async function handleChatCommand(request: ChatRequest, deps: CommandDeps): Promise<CommandReply> {
  const name = deps.settings.command;
  const parsed = parseCommand(request.text, `/${name}`, deps.commands);
  if (!parsed.ok) return ephemeral(`${parsed.message}\nTry \`/${name} help\`.`);
  const { command } = parsed;
  if (!isBuiltInCommand(command)) {
    // The parser returns other verbs only from these extensions.
    const extension = deps.commands?.find((c) => c.verb === command.verb);
    return extension ? extension.handle(command, request, deps) : ephemeral(`unknown command "${command.verb}"`);
  }
  if (CHANGES.has(command.verb) && !mayChange(request, deps.settings.allow))
    return ephemeral(notAllowedMessage(request, deps.settings.allow));
  switch (command.verb) {
    case 'help':
      return ephemeral(helpText(name, command.topic));
    case 'list':
      return list(command, request, deps);
    case 'subscribe':
      return subscribe(command, request, deps);
    case 'unsubscribe':
      return unsubscribe(command, request, deps);
    case 'mute':
      return mute(command, request, deps);
    case 'unmute':
      return unmute(command, request, deps);
  }
}

/**
 * Each subscription is a set of rules every hub process compiles and matches every event against:
 * a channel (or a chat user scripting the command) must not be able to grow them without bound.
 */
export const MAX_SUBSCRIPTIONS_PER_CHANNEL = 50;

const subscribe: Handler<'subscribe'> = async (command, request, deps) => {
  const scoped = scopeOf(deps.scope, request.channel, command.target);
  if ('problem' in scoped) return ephemeral(`Not subscribed to ${targetKey(command.target)}: ${scoped.problem}.`);
  const id = subscriptionId(request.channel, command.target);
  const here = await deps.store.inChannel(request.channel);
  if (here.length >= MAX_SUBSCRIPTIONS_PER_CHANNEL && !here.some((s) => s.id === id))
    return ephemeral(
      `This channel already has ${here.length} subscriptions, the most one channel may have. Unsubscribe from one first (\`/${deps.settings.command} list\` shows them), or subscribe to a whole owner with owner/*.`,
    );
  let existed = false;
  const sub = await deps.store.update(id, (existing) => {
    existed = existing !== undefined;
    return merged(existing, command, request, id, deps.now().toISOString());
  });
  await deps.onChange?.();
  const who = request.user.name ? `@${request.user.name}` : request.user.id;
  const stored = sub ?? merged(undefined, command, request, id, '');
  const warnings = [deliveryProblem(request.channel, deps.settings), ...idleFilters(stored)].filter(Boolean);
  const text = `${existed ? 'Updated' : 'Subscribed'} this channel to ${describeSubscription(stored)} (by ${who}).${warnings.map((w) => `\n:warning: ${w}`).join('')}`;
  return { text, visibility: 'channel' };
};

/** Features given are added (an option replaces the same feature's); filters and noise given replace. */
function merged(
  existing: Subscription | undefined,
  command: Extract<ChatCommand, { verb: 'subscribe' }>,
  request: ChatRequest,
  id: string,
  at: string,
): Subscription {
  const features = [...(existing?.features ?? [])];
  for (const f of command.features) {
    const i = features.findIndex((x) => x.name === f.name);
    if (i >= 0) features.splice(i, 1, f);
    else features.push(f);
  }
  const noise = command.noise ?? existing?.noise;
  return {
    id,
    channel: request.channel,
    target: command.target,
    features,
    filters: hasFilters(command.filters) || !existing ? command.filters : existing.filters,
    ...(noise ? { noise } : {}),
    createdBy: existing?.createdBy ?? request.user,
    createdAt: existing?.createdAt ?? at,
    ...(existing ? { updatedBy: request.user, updatedAt: at } : {}),
  };
}

const unsubscribe: Handler<'unsubscribe'> = async (command, request, deps) => {
  const sub = await deps.store.get(subscriptionId(request.channel, command.target));
  if (!sub) return ephemeral(`This channel has no subscription to ${targetKey(command.target)}.${await hint(request, deps)}`);
  const who = request.user.name ? `@${request.user.name}` : request.user.id;
  const remaining = command.features.length === 0 ? [] : sub.features.filter((f) => !command.features.includes(f.name));
  if (command.features.length > 0 && sub.features.length === 0) {
    return ephemeral(
      `${targetKey(sub.target)} uses the default features; unsubscribe from all of it, or subscribe again naming the features you want.`,
    );
  }
  if (remaining.length === 0) {
    await deps.store.delete(sub.id);
    await deps.mutes.unmute(sub.id);
    await deps.onChange?.();
    return { text: `Unsubscribed this channel from ${targetKey(sub.target)} (by ${who}).`, visibility: 'channel' };
  }
  await deps.store.put({ ...sub, features: remaining, updatedBy: request.user, updatedAt: deps.now().toISOString() });
  await deps.onChange?.();
  return {
    text: `Unsubscribed this channel from ${command.features.join(', ')} of ${targetKey(sub.target)}; still subscribed to ${describeSubscription({ ...sub, features: remaining })} (by ${who}).`,
    visibility: 'channel',
  };
};

const list: Handler<'list'> = async (_command, request, deps) => {
  const subs = await deps.store.inChannel(request.channel);
  if (subs.length === 0) return ephemeral(`This channel has no subscriptions. Try \`/${deps.settings.command} subscribe owner/repo\`.`);
  const mutes = await deps.mutes.list();
  const muted = (scope: string) => mutes.find((m) => m.scope === scope);
  const lines = subs.map((s) => {
    const m = muted(s.id);
    return `• ${describeSubscription(s)}${m ? ` — muted until ${m.until}` : ''}`;
  });
  const all = muted(channelKey(request.channel));
  return ephemeral(
    [`This channel is subscribed to:`, ...lines, ...(all ? [`Everything here is muted until ${all.until}.`] : [])].join('\n'),
  );
};

const mute: Handler<'mute'> = async (command, request, deps) => {
  const scope = await muteScope(command.target, request, deps);
  if (typeof scope !== 'string') return scope;
  const until = new Date(deps.now().getTime() + command.ms);
  await deps.mutes.mute(scope, until, request.user.name ?? request.user.id);
  const what = command.target === 'all' ? 'Everything in this channel' : targetKey(command.target);
  return { text: `${what} is muted for ${formatDuration(command.ms)}, until ${until.toISOString()}.`, visibility: 'channel' };
};

const unmute: Handler<'unmute'> = async (command, request, deps) => {
  const scope = await muteScope(command.target, request, deps);
  if (typeof scope !== 'string') return scope;
  const what = command.target === 'all' ? 'this channel' : targetKey(command.target);
  return (await deps.mutes.unmute(scope)) ? { text: `Unmuted ${what}.`, visibility: 'channel' } : ephemeral(`${what} was not muted.`);
};

async function muteScope(target: Target | 'all', request: ChatRequest, deps: CommandDeps): Promise<string | CommandReply> {
  if (target === 'all') return channelKey(request.channel);
  const id = subscriptionId(request.channel, target);
  if (await deps.store.get(id)) return id;
  return ephemeral(`This channel has no subscription to ${targetKey(target)}.${await hint(request, deps)}`);
}

async function hint(request: ChatRequest, deps: CommandDeps): Promise<string> {
  const subs = await deps.store.inChannel(request.channel);
  return subs.length > 0 ? ` Subscribed here: ${subs.map((s) => targetKey(s.target)).join(', ')}.` : '';
}

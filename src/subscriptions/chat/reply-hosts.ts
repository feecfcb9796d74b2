import type { SubscriptionsConfig } from '../settings.ts';
import { platformOf, type ReplyTarget } from './platforms/index.ts';

/**
 * Why a command's reply target may not be used, or undefined when it may: a target that came with
 * the request must lead to the platform itself, or a leaked command token turns the hub into a
 * POST relay.
 */
export function replyTargetProblem(target: ReplyTarget, settings: SubscriptionsConfig): string | undefined {
  return platformOf(target).replyProblem(target, settings);
}

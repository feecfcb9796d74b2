import type { Action } from './action.ts';
import { ciAction } from './ci/index.ts';
import { crosspostAction } from './crosspost/index.ts';
import { notifyAction } from './notify/index.ts';
import { reportAction } from './report/index.ts';
import { webhookAction } from './webhook/index.ts';

/** Action types by name: the keys rules use in `do:` and the subjects of the `jobs` stream. */
export type ActionRegistry = Readonly<Record<string, Action>>;

/** The built-in actions. */
export const actions: ActionRegistry = {
  notify: notifyAction,
  webhook: webhookAction,
  ci: ciAction,
  report: reportAction,
  crosspost: crosspostAction,
};

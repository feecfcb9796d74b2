import type { ActionRegistry } from './registry.ts';
import { ciAction } from './ci/index.ts';
import { crosspostAction } from './crosspost/index.ts';
import { notifyAction } from './notify/index.ts';
import { reportAction } from './report/index.ts';
import { webhookAction } from './webhook/index.ts';

/** The built-in actions. */
export const actions: ActionRegistry = {
  notify: notifyAction,
  webhook: webhookAction,
  ci: ciAction,
  report: reportAction,
  crosspost: crosspostAction,
};

import Handlebars from 'handlebars';

export type HelperOptions = { hash: Record<string, unknown>; data?: Record<string, unknown> };
/** A template helper as a pure function of its arguments; Handlebars' trailing `options` comes separately. */
export type Helper = (args: unknown[], options: HelperOptions) => unknown;

/**
 * The one way hookhub builds a Handlebars instance: its own helper registry (only `helpers`, plus the
 * built-in block helpers), no `log`, and the 4.6+ default that denies prototype properties and
 * methods (never relaxed here), so a template cannot reach `constructor` or run code.
 */
export function createSandboxedHandlebars(helpers: Readonly<Record<string, Helper>>): typeof Handlebars {
  const hb = Handlebars.create();
  hb.unregisterHelper('log');
  for (const [name, helper] of Object.entries(helpers)) {
    hb.registerHelper(name, (...args: unknown[]) => helper(args.slice(0, -1), args[args.length - 1] as HelperOptions));
  }
  return hb;
}

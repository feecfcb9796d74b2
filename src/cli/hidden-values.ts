import { readEnv } from '../config/env.ts';
import { loadConfig } from '../config/load-config.ts';
import { hiddenValues } from '../operations/event-view.ts';
import { formatDiagnostic } from '../rules/diagnostics.ts';
import { loadRuleEnvValues } from '../rules/rule-env-values.ts';
import { configPathOption } from './config-path.ts';

export interface HiddenValues {
  /** What the rule files take from the environment, as the API masks it in job params (environmentValuesOf). */
  values: ReadonlySet<string>;
  /** What could not be known, for stderr: values that may then show in the params printed. */
  warnings: string[];
}

const UNMASKED = 'what the rule files take from the environment may show unmasked in job params';

/**
 * The values `hookhub events show` and `dlq list` mask in job params, as the API does, read cheaply:
 * hookhub.yaml for the rules folder, then the rule files' text for their `${VAR}`s, resolved from this
 * environment. Nothing is compiled, so a rule with errors does not keep the others' values from being masked.
 */
export async function loadHiddenValues(options: { config?: string }): Promise<HiddenValues> {
  const env = readEnv();
  let rulesDir: string;
  try {
    rulesDir = (await loadConfig(configPathOption(options.config, env), env)).rulesDir;
  } catch (error) {
    // ConfigError names fields and files, never values.
    return { values: new Set(), warnings: [`cannot read the config (${(error as Error).message}): ${UNMASKED}`] };
  }
  const found = await loadRuleEnvValues(rulesDir, env.vars);
  const warnings = found.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `cannot read the rules (${formatDiagnostic(d)}): ${UNMASKED} there`);
  if (found.unset.length > 0) {
    warnings.push(
      `the rule files take ${found.unset.join(', ')} from the environment, unset here: their values may show unmasked ` +
        "in job params (run this with the hub's environment)",
    );
  }
  return { values: hiddenValues(found.values), warnings };
}

/** Loads the values with `load` and writes what could not be known to `warn` (stderr): it is never left unsaid. */
export async function hiddenValuesOrWarn(
  load: (options: { config?: string }) => Promise<HiddenValues>,
  options: { config?: string },
  warn: (text: string) => void = (text) => void process.stderr.write(text),
): Promise<ReadonlySet<string>> {
  const hidden = await load(options.config === undefined ? {} : { config: options.config });
  for (const warning of hidden.warnings) warn(`warning: ${warning}\n`);
  return hidden.values;
}

import type { YAMLError } from 'yaml';

/**
 * What to do about the YAML syntax errors people make by hand. The `yaml` library says what it could not
 * parse ("Implicit keys need to be on a single line"), in its own terms; these say what to change.
 * https://eemeli.org/yaml/#errors
 */
const HINTS: Partial<Record<YAMLError['code'], string>> = {
  BAD_INDENT: 'indent it with spaces to the same column as the other keys of its map (or items of its list)',
  TAB_AS_INDENT: 'replace the tab with spaces',
  MULTILINE_IMPLICIT_KEY: 'is the ":" after a key missing (write key: value)? A value that goes on over several lines needs quotes',
  BLOCK_AS_IMPLICIT_KEY: 'check the indentation of this line and of the lines under it',
  DUPLICATE_KEY: 'a key appears twice in one map: remove one, or merge their values',
  BAD_SCALAR_START: 'put the value in quotes ("…" or \'…\')',
  BAD_DQ_ESCAPE: 'inside "…" write \\\\ for a backslash, or use single quotes',
  MULTIPLE_DOCS: 'one file holds one YAML document: remove the extra --- line',
};

/** The error's first line, and what to do about it where the code is a common hand-editing mistake. */
export function describeYamlError(error: Pick<YAMLError, 'code' | 'message'>): string {
  const message = error.message.split('\n')[0] ?? error.message;
  const hint = HINTS[error.code];
  return hint ? `${message}: ${hint}` : message;
}

import type { Diagnostic } from './diagnostics.ts';
import type { YamlPath, YamlSource } from './yaml-source.ts';

/** Fields whose text is a sentence, where a ` #` almost always means the author wrote "#channel", not a comment. */
const TEXT_FIELDS = ['name', 'description'];

/**
 * Warns when an unquoted `name` or `description` is followed by a comment on the same line: YAML ends a plain
 * value at ` #`, so "announced on #releases" silently becomes "announced on".
 */
export function checkCutText(rulePath: YamlPath, source: YamlSource, out: Diagnostic[]): void {
  for (const field of TEXT_FIELDS) {
    const range = source.rangeOf([...rulePath, field]);
    if (!range || `"'|>`.includes(source.text[range[0]] ?? '')) continue;
    const lineEnd = source.text.indexOf('\n', range[1]);
    const rest = source.text.slice(range[1], lineEnd === -1 ? undefined : lineEnd);
    const comment = /^\s+#/.exec(rest);
    if (!comment) continue;
    const kept = source.text.slice(range[0], range[1]);
    out.push({
      ...source.posAt(range[1] + comment[0].length - 1),
      severity: 'warning',
      message: `${field} ends at "${kept}": YAML reads " #${rest.slice(comment[0].length).trimEnd()}" as a comment; quote the whole ${field} to keep it`,
    });
  }
}

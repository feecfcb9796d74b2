import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from './diagnostics.ts';
import { compileRuleSources, type RuleSource } from './compile-rule-sources.ts';
import type { LoadResult, RulesContext } from './rule.ts';

/** Larger files are refused before parsing: the YAML parser needs ~0.6 s per MB here. */
export const MAX_RULES_FILE_BYTES = 16 * 1024 * 1024;

/** `*.yaml` and `*.yml`, skipping hidden files and editor leftovers (`.x.yaml.swp`, `x.yaml~`). */
export function isRulesFileName(name: string): boolean {
  return !name.startsWith('.') && /\.ya?ml$/.test(name);
}

/**
 * Reads rule files: each path is a file, or a folder whose rules files are read in name order
 * (not recursively). Unreadable paths become diagnostics, never exceptions.
 */
export async function loadRuleSources(paths: string | readonly string[]): Promise<{ sources: RuleSource[]; diagnostics: Diagnostic[] }> {
  const sources: RuleSource[] = [];
  const diagnostics: Diagnostic[] = [];
  const problem = (file: string, message: string, severity: Diagnostic['severity'] = 'error') =>
    diagnostics.push({ file, line: 1, col: 1, severity, message });
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    try {
      const info = await stat(path);
      const files = info.isDirectory()
        ? (await readdir(path))
            .filter(isRulesFileName)
            .sort()
            .map((n) => join(path, n))
        : [path];
      if (info.isDirectory() && files.length === 0) problem(path, 'no rule files (*.yaml, *.yml) in this folder', 'warning');
      for (const file of files) {
        const size = (await stat(file)).size;
        if (size > MAX_RULES_FILE_BYTES)
          problem(
            file,
            `file is ${(size / 1048576).toFixed(1)} MB; rule files are limited to ${MAX_RULES_FILE_BYTES / 1048576} MB (split it into several files)`,
          );
        else sources.push({ file, text: await readFile(file, 'utf8') });
      }
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      problem(e.path ?? path, e.code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${e.message}`);
    }
  }
  return { sources, diagnostics };
}

/** Reads and compiles rules; see compileRuleSources. */
export async function loadRuleSet(paths: string | readonly string[], context: RulesContext): Promise<LoadResult> {
  const read = await loadRuleSources(paths);
  const result = compileRuleSources(read.sources, context);
  const diagnostics = [...read.diagnostics, ...result.diagnostics];
  return { ruleSet: result.ruleSet, diagnostics, ok: result.ok && !read.diagnostics.some((d) => d.severity === 'error') };
}

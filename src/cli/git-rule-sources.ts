import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { promisify } from 'node:util';
import type { RuleSource } from '../rules/compile-rule-sources.ts';
import { isRulesFileName, MAX_RULES_FILE_BYTES } from '../rules/load-rule-set.ts';

const run = promisify(execFile);

/**
 * The rule files of a folder (or the one rules file) as they are at a git ref (`HEAD`, `main`, a SHA): the
 * same files `loadRuleSources` would read (rules files, not recursive), named `<ref>:<path>` so diagnostics
 * point at the ref. Throws with what to do when the path is not in a git repository.
 */
export async function gitRuleSources(dir: string, ref: string): Promise<RuleSource[]> {
  const real = await realpath(dir);
  // `rules:` may name one file; git runs in its folder and lists just that path.
  const single = (await stat(real)).isFile();
  const top = await git(single ? dirname(real) : real, ['rev-parse', '--show-toplevel']).catch((error: Error) => {
    throw new Error(`--base ${ref}: ${dir} is not inside a git repository (${firstLine(error.message)}); use --base-dir <folder> instead`);
  });
  const target = relative(top, real).split('\\').join('/');
  await git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
    throw new Error(`--base ${ref}: no such commit in ${top} (a branch, tag or SHA, e.g. HEAD or origin/main)`);
  });
  const pathspec = single ? target : target === '' ? '.' : `${target}/`;
  const listing = await git(top, ['ls-tree', '--name-only', ref, '--', pathspec]);
  const names = listing.split('\n').filter((path) => path !== '' && (single || isRulesFileName(path.slice(path.lastIndexOf('/') + 1))));
  const sources: RuleSource[] = [];
  for (const path of names.sort()) {
    const text = await git(top, ['show', `${ref}:${path}`], MAX_RULES_FILE_BYTES);
    sources.push({ file: `${ref}:${path}`, text });
  }
  return sources;
}

async function git(cwd: string, args: string[], maxBuffer = 1024 * 1024): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer, encoding: 'utf8' });
  return args[0] === 'show' ? stdout : stdout.trim();
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('Command failed')) ?? text;
}

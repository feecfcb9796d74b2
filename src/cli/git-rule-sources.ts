import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { relative } from 'node:path';
import { promisify } from 'node:util';
import type { RuleSource } from '../rules/compile-rule-sources.ts';
import { isRulesFileName, MAX_RULES_FILE_BYTES } from '../rules/load-rule-set.ts';

const run = promisify(execFile);

/**
 * The rule files of a folder as they are at a git ref (`HEAD`, `main`, a SHA): the same files
 * `loadRuleSources` would read from the folder (rules files, not recursive), named `<ref>:<path>`
 * so diagnostics point at the ref. Throws with what to do when the folder is not in a git repository.
 */
export async function gitRuleSources(dir: string, ref: string): Promise<RuleSource[]> {
  const top = await git(dir, ['rev-parse', '--show-toplevel']).catch((error: Error) => {
    throw new Error(`--base ${ref}: ${dir} is not inside a git repository (${firstLine(error.message)}); use --base-dir <folder> instead`);
  });
  const folder = relative(top, await realpath(dir))
    .split('\\')
    .join('/');
  await git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
    throw new Error(`--base ${ref}: no such commit in ${top} (a branch, tag or SHA, e.g. HEAD or origin/main)`);
  });
  const listing = await git(top, ['ls-tree', '--name-only', ref, '--', folder === '' ? '.' : `${folder}/`]);
  const names = listing.split('\n').filter((path) => path !== '' && isRulesFileName(path.slice(path.lastIndexOf('/') + 1)));
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

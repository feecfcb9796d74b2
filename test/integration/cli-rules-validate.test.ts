import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/hub-fixtures.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/hookhub.js');

describe('hookhub rules validate, as the installed binary runs it', () => {
  // The binary runs through tsx, whose CommonJS interop differs from the test runner's: a rule with
  // $regex once passed every test and failed in the running hub ("sift.createEqualsOperation is not a function").
  it('compiles a $regex filter on the linear-time engine', async () => {
    const dir = tempDir('hookhub-validate-');
    writeFileSync(
      join(dir, 'hookhub.yaml'),
      'bus: { type: embedded, path: ./hub.db }\nchannels:\n  ops: { type: slack, url: https://hooks.slack.com/services/T/B/x }\nrules: ./rules.yaml\n',
    );
    writeFileSync(
      join(dir, 'rules.yaml'),
      'rules:\n  - name: hotfix\n    on: github.pull_request.opened\n    when: { data.pull_request.title: { $regex: "^hotfix", $options: i } }\n    do:\n      - notify: { channel: ops, text: "{{title}}" }\n',
    );
    const { stdout } = await run(process.execPath, [BIN, 'rules', 'validate', '--config', join(dir, 'hookhub.yaml')], { cwd: dir });
    expect(stdout).toContain('1 rule(s) in 1 file(s): 0 error(s)');
  }, 30_000);

  it('warns about a GitHub action GitHub never sends, with a did-you-mean', async () => {
    const dir = tempDir('hookhub-validate-');
    writeFileSync(join(dir, 'hookhub.yaml'), 'bus: { type: embedded, path: ./hub.db }\nrules: ./rules.yaml\n');
    writeFileSync(
      join(dir, 'rules.yaml'),
      'rules:\n  - name: prs\n    on: github.pull_request.opend\n    do:\n      - webhook: { url: "https://hooks.example.com/x" }\n',
    );
    const { stdout, stderr } = await run(process.execPath, [BIN, 'rules', 'validate', '--config', join(dir, 'hookhub.yaml')], { cwd: dir });
    expect(stderr).toContain('rules.yaml:3:9: warning: "github.pull_request.opend" can never match: GitHub sends no "opend" action');
    expect(stderr).toContain('(did you mean "opened"?)');
    expect(stdout).toContain('1 rule(s) in 1 file(s): 0 error(s), 1 warning(s)');
  }, 30_000);

  it('warns about a webhook URL the SSRF guard will refuse, and not once hookhub.yaml allows the host', async () => {
    const dir = tempDir('hookhub-validate-');
    writeFileSync(
      join(dir, 'rules.yaml'),
      'rules:\n  - name: sink\n    on: github.issues.*\n    do:\n      - webhook: { url: "http://127.0.0.1:9999/hook" }\n',
    );
    const validate = (delivery: string) => {
      writeFileSync(join(dir, 'hookhub.yaml'), `bus: { type: embedded, path: ./hub.db }\n${delivery}rules: ./rules.yaml\n`);
      return run(process.execPath, [BIN, 'rules', 'validate', '--config', join(dir, 'hookhub.yaml')], { cwd: dir });
    };
    const refused = await validate('');
    expect(refused.stderr).toContain(
      'rules.yaml:5:25: warning: webhook: the SSRF guard will refuse this url at delivery: 127.0.0.1 is a loopback address; to send to it, list "127.0.0.1" in delivery.allowlist in hookhub.yaml',
    );
    expect(refused.stdout).toContain('0 error(s), 1 warning(s)');
    const allowed = await validate('delivery: { allowlist: [127.0.0.1] }\n');
    expect(allowed.stderr).toBe('');
    expect(allowed.stdout).toContain('0 error(s), 0 warning(s)');
  }, 30_000);
});

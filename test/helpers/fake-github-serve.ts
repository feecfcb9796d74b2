// Runs the fake GitHub API on its own, for trying `hookhub github …` by hand (docs/github.md):
//   npx tsx test/helpers/fake-github-serve.ts [repo-or-org …]
// Accepts the token `ghp_demo`; knows acme/api, acme/web and the org acme-labs unless told otherwise.
import { startFakeGithub } from './fake-github.ts';

const names = process.argv.slice(2);
const fake = await startFakeGithub({ tokens: ['ghp_demo'] });
for (const name of names.length > 0 ? names : ['acme/api', 'acme/web', 'acme-labs']) {
  if (name.includes('/')) fake.addRepo(name);
  else fake.addOrg(name);
}
process.stdout.write(`fake GitHub API at ${fake.url} (token ghp_demo)\n`);
process.once('SIGINT', () => void fake.close().then(() => process.exit(0)));
process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));

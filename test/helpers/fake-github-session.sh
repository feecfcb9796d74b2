#!/bin/bash
# Records a `hookhub github` session against the fake GitHub API and a real hub (docs/github.md):
#   test/helpers/fake-github-session.sh > session.txt
# Prints "$ command" then its output. Uses port 8787 and a fresh temp directory.
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
cd "$WORK" || exit 1
mkdir rules
export GITHUB_TOKEN=ghp_demo GITHUB_WEBHOOK_SECRET=0d1b2c3e4f5a69788796a5b4c3d2e1f0
hookhub() { node "$REPO/bin/hookhub.js" "$@"; }
show() { echo "\$ $*"; "$@" 2>&1; local rc=$?; [ $rc -ne 0 ] && echo "(exit $rc)"; echo; }
node "$REPO"/node_modules/.bin/tsx "$REPO"/test/helpers/fake-github-serve.ts > fake.out 2>&1 &
FAKE=$!
sleep 3
API=$(sed -n 's/.*API at \(http[^ ]*\).*/\1/p' fake.out)
cat > hookhub.yaml <<EOF
server: { port: 8787, host: 127.0.0.1, publicUrl: "http://127.0.0.1:8787" }
connectors:
  github:
    type: github
    secret: \${GITHUB_WEBHOOK_SECRET}
    token: \${GITHUB_TOKEN}
    apiUrl: $API     # the fake GitHub API; leave apiUrl out for github.com
    repos: [acme/api, acme/web]
    orgs: [acme-labs]
    events: [push, pull_request, issues]
EOF
echo "# fake GitHub API: $(cat fake.out)"; echo '$ cat hookhub.yaml'; cat hookhub.yaml; echo
LOG_LEVEL=warn node "$REPO"/bin/hookhub.js start > hub.log 2>&1 & HUB=$!; sleep 3
echo "# hub started (pid $HUB)"; echo
show hookhub github connect --dry-run
show hookhub github connect
show hookhub github connect
show hookhub github list
show hookhub github ping acme/api
kill $HUB; wait $HUB 2>/dev/null; echo "# hub stopped: GitHub's deliveries now fail, and GitHub never retries them"; echo
show hookhub github ping acme/web acme-labs
LOG_LEVEL=warn node "$REPO"/bin/hookhub.js start > hub.log 2>&1 & HUB=$!; sleep 3
echo "# hub started again"; echo
show hookhub github reconcile --dry-run
show hookhub github reconcile --since 24h
sleep 1
show hookhub github reconcile
show hookhub github connect acme/nope
GITHUB_TOKEN=ghp_revoked show hookhub github list acme/api
show hookhub github rotate-secret github --out new-secret.txt
export GITHUB_WEBHOOK_SECRET_NEW=$(cat new-secret.txt)
sed -i 's/    secret: .*/    secret: ["${GITHUB_WEBHOOK_SECRET_NEW}", "${GITHUB_WEBHOOK_SECRET}"]/' hookhub.yaml
echo '# listed the new secret first in hookhub.yaml (hub not restarted yet):'; grep 'secret:' hookhub.yaml; echo
show hookhub github rotate-secret github
kill $HUB; wait $HUB 2>/dev/null
LOG_LEVEL=warn node "$REPO"/bin/hookhub.js start > hub.log 2>&1 & HUB=$!; sleep 3
echo "# hub restarted with both secrets"; echo
show hookhub github rotate-secret github --dry-run
show hookhub github rotate-secret github
show hookhub github ping
show hookhub github disconnect acme/web
show hookhub github disconnect acme/web
show hookhub github list
kill $HUB $FAKE; wait 2>/dev/null
rm -rf "$WORK"

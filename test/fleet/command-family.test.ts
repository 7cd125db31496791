import { describe, expect, it } from 'vitest';
import { commandFamily } from '../../src/input/command-family.js';

describe(commandFamily.name, () => {
  it.each([
    ['git commit -m x', 'git commit'],
    ['git add -A && git commit -m "feat: a && b | c"', 'git commit'],
    ['git -C ../repo commit --amend', 'git commit'],
    ['npm test', 'npm test'],
    ['npm run build -- --watch', 'npm run build'],
    ['npx vitest run test/a.test.ts', 'vitest'],
    ['cd a && pytest -x', 'pytest'],
    ['python -m pytest tests/', 'pytest'],
    ['uv run pytest -q', 'pytest'],
    ['MIX_ENV=test mix test --seed 0 2>&1 | tail -50', 'mix test'],
    ['sudo apt-get install -y jq', 'apt-get install'],
    ['FOO=1 BAR=2 sudo -E make test', 'make test'],
    ['timeout 30 cargo build --release', 'cargo build'],
    ['/usr/bin/git status', 'git status'],
    ['mix format --check-formatted 2>&1; echo "---"; mix credo --strict 2>&1 | tail -2', 'mix credo'],
    ['bash -n x.sh && echo "ok"', 'bash'],
    ['cd /tmp', 'cd'],
    ['grep -r "a|b" src/ | head', 'grep'],
    ['ls -la deps/ | head -20', 'ls'],
    ['git commit -m "$(cat <<\'EOF\'\nmsg\nEOF\n)"', 'git commit'],
    ['bd show spotter-4te.1', 'bd show'],
    ['docker compose up -d', 'docker compose'],
    ['./scripts/deploy.sh prod', 'deploy.sh'],
    ['for f in a b; do make $f; done', 'make'],
    ['if grep -q x f; then npm test; fi', 'npm test'],
    ["cat <<'EOF' > a.py\nimport os\nrm -rf x\nEOF\npython a.py", 'python'],
    ['cat <<EOF > notes.txt\nEOF', 'cat'],
    // SWE-agent's edit block (../shared/realdata/swe-agent/pydicom__pydicom-1458.traj, step 6)
    ["edit 287:295\n    required_elements = [\n        'BitsAllocated', 'Rows'\n    ]\n    if 'PixelData' in ds:\nend_of_edit\n", 'edit'],
    ['edit 1:1\nend_of_edit', 'edit'],
    ['insert 5\nimport os\nend_of_insert\npython a.py', 'python'],
    // entireio-git-sync 71-872426c9cd-0.full.jsonl:392 and :175
    ['mise run lint 2>&1', 'mise run lint'],
    ['mise run lint:gofmt 2>&1', 'mise run lint:gofmt'],
    ['', ''],
    // a look at the result after the real command does not name the call: the commit below took
    // 3 min in its hooks (258c7280-ae70-4798-800f-63464d01a85d.jsonl:598/607), and was reported
    // as "git status"; the golangci-lint run (71-872426c9cd-0.full.jsonl:234) as "wc"
    ['git add .beads/ && git commit -m "$(cat <<\'EOF\'\nfeat: x\nEOF\n)" && git status', 'git commit'],
    ["golangci-lint run --timeout=30m ./... 2>&1 | grep -E '^\\w' > /tmp/lint-all.txt && wc -l /tmp/lint-all.txt", 'golangci-lint'],
    ['rm -f /tmp/debug.txt\npytest testing/test_collection.py::test_x\ncat /tmp/debug.txt', 'pytest'],
    ['mix test && git diff --stat && git log --oneline -3', 'mix test'],
    // only looks: the last one names it, as before
    ['git diff --stat && echo "---" && git log --oneline -5', 'git log'],
    ['cd a && git status', 'git status'],
  ] as const)('%j -> %j', (line, family) => {
    expect(commandFamily(line)).toBe(family);
  });
});

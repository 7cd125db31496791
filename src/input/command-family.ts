/**
 * The command family of a shell command line: what a person would call "the
 * same command" (`git commit`, `npm test`, `pytest`, `mix test`), with flags,
 * arguments, paths and quoting dropped. Rules, in order:
 *
 * 1. A line is cut into segments at `&&`, `||`, `;`, `|` and newlines (quotes
 *    respected). Pipelines keep their first command (`mix test 2>&1 | tail` is
 *    `mix test`); in a list the family is the last segment that is not
 *    housekeeping (`cd a && pytest -x` is `pytest`, `git add -A && git commit`
 *    is `git commit`, `make && echo ok` is `make`). A look at the result after the
 *    real command does not name the line either (`git add && git commit && git status`
 *    is `git commit`, `golangci-lint run | grep > f && wc -l f` is `golangci-lint`):
 *    a 3-minute commit was reported as a slow `git status` (realdata 258c7280:598).
 *    A line of looks alone is its last look (`git diff && git log` is `git log`), and
 *    staging is no action of its own (`git add -A && git diff --cached` is `git diff`).
 *    Shell keywords are not commands: `if`/`then`/`do` prefixes are stripped and
 *    `for ...`, `done`, `fi` are housekeeping (`for f in a b; do make $f; done` is `make`).
 *    A here-document's body (`cat <<'EOF' > f` ... `EOF`) is data, not commands, and
 *    so is the body of SWE-agent's block commands, up to their `end_of_<command>`
 *    line (`edit 12:14` ... `end_of_edit` is `edit`: the replacement text and its
 *    terminator are no commands; they were read as the family `end_of_edit`).
 * 2. In a segment, leading env assignments (`FOO=1`), `sudo`, `env`, `time`,
 *    `nohup`, `command`, `exec`, `timeout N`, `xargs` and runners (`npx`,
 *    `bunx`, `pnpm exec|dlx`, `yarn dlx`, `uv run`, `poetry run`, `pipenv run`,
 *    `bundle exec`, `python -m`) are stripped: `npx vitest run` is `vitest`,
 *    `python -m pytest` is `pytest`, `MIX_ENV=test mix test` is `mix test`.
 * 3. The program is the first word's basename (`/usr/bin/git` is `git`).
 *    Tools with subcommands keep one plain word after options they know
 *    (`git -C dir commit` is `git commit`, `npm test`, `cargo build`); `npm run`,
 *    `yarn run`, `pnpm run`, `mise run` and `make` keep the script/target (`npm run build`,
 *    `mise run lint`: one task failing twice is a loop, two different tasks are not).
 *    Every other program is one word (`grep`, `ls`, `pytest`, `vitest`).
 */

/** Commands that only set up the real one (skipped in `&&`/`;` lists). */
const HOUSEKEEPING = new Set([
  'for',
  'done',
  'fi',
  'esac',
  'case',
  'in',
  'cd',
  'pushd',
  'popd',
  'echo',
  'printf',
  'true',
  'false',
  'export',
  'set',
  'unset',
  'source',
  '.',
  'sleep',
  'exit',
  ':',
  'clear',
]);

/** Commands that look at what the line's real command did (`git status` after a commit,
 * `wc -l` of a log the command wrote): they name the line only when nothing else does. */
const LOOKS = new Set(['git status', 'git log', 'git diff', 'git show', 'ls', 'cat', 'wc', 'head', 'tail', 'pwd', 'grep', 'rg']);

const PREFIXES = new Set([
  'do',
  'then',
  'else',
  'elif',
  'if',
  'while',
  'until',
  '!',
  'sudo',
  'env',
  'time',
  'nohup',
  'command',
  'exec',
  'xargs',
  'npx',
  'bunx',
  'nice',
]);

/** runner pairs: "uv run X" -> X */
const RUNNERS: Record<string, Set<string>> = {
  uv: new Set(['run']),
  poetry: new Set(['run']),
  pipenv: new Set(['run']),
  bundle: new Set(['exec']),
  pnpm: new Set(['exec', 'dlx']),
  yarn: new Set(['dlx']),
  hatch: new Set(['run']),
  pdm: new Set(['run']),
};

/** Programs whose second plain word is a subcommand. */
const SUBCOMMANDS = new Set([
  'git',
  'npm',
  'pnpm',
  'yarn',
  'bun',
  'deno',
  'mix',
  'cargo',
  'go',
  'docker',
  'docker-compose',
  'podman',
  'kubectl',
  'helm',
  'gh',
  'glab',
  'bd',
  'pip',
  'pip3',
  'uv',
  'poetry',
  'pdm',
  'hatch',
  'conda',
  'brew',
  'apt',
  'apt-get',
  'dnf',
  'yum',
  'dotnet',
  'terraform',
  'tofu',
  'gradle',
  'gradlew',
  'mvn',
  'swift',
  'rails',
  'rake',
  'bundle',
  'composer',
  'nix',
  'systemctl',
  'just',
  'task',
  'tox',
  'nox',
  'rustup',
  'az',
  'aws',
  'gcloud',
  'firebase',
  'vercel',
  'wrangler',
  'turbo',
  'nx',
  'lerna',
  'prisma',
  'supabase',
  'ruff',
  'flutter',
  'dart',
  'stack',
  'cabal',
  'opam',
  'dune',
  'zig',
  'jj',
  'hg',
  'svn',
  'playwright',
  'make',
  'mise',
]);

/** Options of a subcommand tool that take a value (skipped with it). */
const OPTIONS_WITH_VALUE: Record<string, Set<string>> = {
  git: new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace']),
  npm: new Set(['--prefix', '-w', '--workspace']),
  pnpm: new Set(['--filter', '-F', '-C', '--dir']),
  yarn: new Set(['--cwd']),
  cargo: new Set(['--manifest-path', '-Z', '--config']),
  docker: new Set(['-H', '--host', '--context', '-c']),
  kubectl: new Set(['-n', '--namespace', '--context']),
  make: new Set(['-C', '-f', '-j']),
};

/** Scripts whose name is the family (`npm run build`). */
const SCRIPT_RUNNERS = new Set(['npm run', 'yarn run', 'pnpm run', 'bun run', 'npm run-script', 'mise run']);

/** Split on list/pipe operators outside quotes; returns [segment, operatorBefore]. */
function segments(line: string): Array<{ words: string[]; after: string }> {
  const out: Array<{ words: string[]; after: string }> = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  let op = '';
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endSeg = (next: string): void => {
    endWord();
    if (words.length > 0) out.push({ words, after: op });
    words = [];
    op = next;
  };
  let heredoc = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\n' && heredoc !== '' && !quote) {
      // skip the here-document's body, up to its delimiter line
      const lines = line.slice(i + 1).split('\n');
      let skip = 0;
      let k = 0;
      for (; k < lines.length; k++) {
        skip += lines[k]!.length + 1;
        if (lines[k]!.trim() === heredoc) break;
      }
      heredoc = '';
      endSeg(';');
      i += skip;
      continue;
    }
    if (!quote && c === '<' && line[i + 1] === '<' && line[i + 2] !== '<') {
      const m = /^<<-?\s*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z_][A-Za-z0-9_]*))/.exec(line.slice(i));
      if (m) {
        heredoc = m[1] ?? m[2] ?? m[3]!;
        endWord();
        i += m[0].length - 1;
        continue;
      }
    }
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
      continue;
    }
    if (c === '\\' && i + 1 < line.length) {
      const n = line[++i]!;
      if (n !== '\n') {
        word += n;
        inWord = true;
      }
      continue;
    }
    if (c === '&' && line[i + 1] === '&') {
      endSeg('&&');
      i++;
    } else if (c === '|' && line[i + 1] === '|') {
      endSeg('||');
      i++;
    } else if (c === '|') endSeg('|');
    else if (c === ';' || c === '\n') endSeg(';');
    else if (c === '&' && line[i + 1] !== '>' && line[i - 1] !== '>') endSeg(';');
    else if (c === ' ' || c === '\t' || c === '(' || c === ')' || c === '{' || c === '}') endWord();
    else if (c === '#' && !inWord) {
      while (i + 1 < line.length && line[i + 1] !== '\n') i++;
    } else {
      word += c;
      inWord = true;
    }
  }
  endSeg('');
  return out;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const PLAIN = /^[a-z][a-z0-9._:-]*$/;
const REDIRECT = /^[0-9]*[<>]/;

function basename(w: string): string {
  const i = w.lastIndexOf('/');
  return i >= 0 && i < w.length - 1 ? w.slice(i + 1) : w;
}

/** The family of one segment, or '' when it names no program. */
function segmentFamily(input: string[]): string {
  const words = input.filter((w) => !REDIRECT.test(w));
  let i = 0;
  for (;;) {
    const w = words[i];
    if (w === undefined) return '';
    if (ASSIGNMENT.test(w)) i++;
    else if (PREFIXES.has(basename(w))) {
      i++;
      while (words[i]?.startsWith('-')) i++;
    } else if (w === 'timeout') {
      i++;
      while (words[i]?.startsWith('-')) i++;
      i++; // the duration
    } else if (/^python[0-9.]*$/.test(basename(w)) && words[i + 1] === '-m' && words[i + 2] !== undefined) i += 2;
    else if (RUNNERS[basename(w)]?.has(words[i + 1] ?? '')) i += 2;
    else break;
  }
  const program = basename(words[i]!);
  if (!SUBCOMMANDS.has(program)) return program;
  const withValue = OPTIONS_WITH_VALUE[program];
  let j = i + 1;
  while (j < words.length && words[j]!.startsWith('-')) j += withValue?.has(words[j]!) ? 2 : 1;
  const sub = words[j];
  if (sub === undefined || !PLAIN.test(sub)) return program;
  const family = `${program} ${sub}`;
  if (SCRIPT_RUNNERS.has(family)) {
    const script = words[j + 1];
    return script !== undefined && /^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(script) ? `${family} ${script}` : family;
  }
  return family;
}

/** SWE-agent's block commands: a line `edit 12:14` (or `insert 5`...), the text, and a line
 * `end_of_edit`; the first line is kept, the text and the terminator dropped. */
const BLOCK_COMMAND = /^([ \t]*([A-Za-z_][\w-]*)\b[^\n]*)(?:\n[\s\S]*?)?\n[ \t]*end_of_\2[ \t]*$/gm;

/** The command family of a shell command line ('' for an empty line). */
export function commandFamily(line: string): string {
  const segs = segments(line.includes('end_of_') ? line.replace(BLOCK_COMMAND, '$1') : line);
  let chosen = '';
  // `chosen` is a command that does something (not housekeeping, not a look)
  let chosenDoes = false;
  let pipelineStart = true;
  for (const seg of segs) {
    const startsPipeline = seg.after !== '|';
    if (startsPipeline) pipelineStart = true;
    else pipelineStart = false;
    if (!pipelineStart) continue;
    const fam = segmentFamily(seg.words);
    if (fam === '') continue;
    const program = fam.split(' ')[0]!;
    if (HOUSEKEEPING.has(program)) {
      if (chosen === '')
        chosen = fam; // a line of only housekeeping keeps its first
      else if (HOUSEKEEPING.has(chosen.split(' ')[0]!)) continue;
      continue;
    }
    if (LOOKS.has(fam) && chosenDoes) continue;
    chosen = fam;
    chosenDoes = !LOOKS.has(fam) && fam !== 'git add';
  }
  return chosen;
}

/**
 * The command family of a shell command line: the program and, for programs
 * that take a subcommand, the subcommand; flags, arguments, paths, quoted text,
 * environment assignments and a leading `cd DIR &&` dropped.
 *
 *   git -C repo commit -m "fix: x" --no-verify   -> "git commit"
 *   cd /w/app && MIX_ENV=test mix test test/a.exs -> "mix test"
 *   npm run build -- --watch                      -> "npm run build"
 *   /usr/bin/python3 -m pytest -x tests/          -> "python3 -m pytest"
 *   pytest -k slow                                -> "pytest"
 *
 * Used by every adapter for shell tools and by the fleet detectors for the
 * session format, so the same command gets the same family whatever logged it.
 * Pure; `undefined` for a blank command.
 */

/** Programs whose first non-flag argument names what they do (`git commit`, `npm test`). */
const SUBCOMMAND_PROGRAMS: ReadonlySet<string> = new Set([
  'git', 'gh', 'hub', 'npm', 'pnpm', 'yarn', 'bun', 'deno', 'npx', 'bunx', 'pnpx', 'cargo', 'go', 'mix', 'docker', 'docker-compose',
  'podman', 'kubectl', 'helm', 'terraform', 'pip', 'pip3', 'poetry', 'uv', 'pipenv', 'conda', 'brew', 'apt', 'apt-get', 'dotnet',
  'mvn', 'gradle', 'gradlew', 'rails', 'bundle', 'rake', 'composer', 'php', 'swift', 'flutter', 'dart', 'make', 'just', 'nx',
  'turbo', 'lerna', 'rustup', 'gcloud', 'aws', 'az', 'systemctl', 'tmux', 'bd', 'entire', 'golangci-lint', 'corepack', 'vercel',
]);
/** Subcommands that take one more word worth keeping: `npm run build`, `yarn workspace x`, `go mod tidy`. */
const TWO_WORD: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['npm', new Set(['run', 'run-script', 'exec'])],
  ['pnpm', new Set(['run', 'exec', 'dlx'])],
  ['yarn', new Set(['run', 'dlx'])],
  ['bun', new Set(['run', 'x'])],
  ['go', new Set(['mod', 'tool'])],
  ['cargo', new Set(['run'])],
  ['docker', new Set(['compose', 'container', 'image'])],
  ['gh', new Set(['pr', 'issue', 'run', 'repo', 'api', 'release', 'workflow'])],
  ['git', new Set(['stash', 'remote', 'worktree', 'submodule'])],
  ['uv', new Set(['run', 'pip'])],
  ['poetry', new Set(['run'])],
]);
/** Wrappers that run the next word as the command. */
const WRAPPERS: ReadonlySet<string> = new Set(['sudo', 'env', 'time', 'nohup', 'command', 'exec', 'nice', 'xargs', 'caffeinate']);
/** Segments that only set up the shell: `cd x && real command`. */
const SETUP: ReadonlySet<string> = new Set(['cd', 'pushd', 'popd', 'export', 'source', '.', 'set', 'unset', 'true', 'ulimit']);
/** Options of a program that take a value in the next word (`git -C dir`, `timeout 30s`). */
const OPTION_ARGS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['git', new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace'])],
  ['npm', new Set(['--prefix', '-w', '--workspace'])],
  ['pnpm', new Set(['-C', '--dir', '--filter', '-F'])],
  ['yarn', new Set(['--cwd'])],
  ['make', new Set(['-C', '-f', '-j'])],
  ['docker', new Set(['-H', '--context'])],
  ['kubectl', new Set(['-n', '--namespace', '--context'])],
  ['cargo', new Set(['--manifest-path'])],
]);

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const WORD = /^[A-Za-z0-9][\w.:+-]*$/;

/**
 * Split a command line into its chain (`&&`, `||`, `;`, newlines) of pipelines
 * (`|`) of words; quotes group words, parentheses split like `;`.
 */
function chain(line: string): string[][][] {
  const out: string[][][] = [];
  let pipeline: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) pipeline.push(words);
    words = [];
  };
  const endPipeline = () => {
    endCommand();
    if (pipeline.length > 0) out.push(pipeline);
    pipeline = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      const end = close < 0 ? line.length : close;
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '&' && (line[i - 1] === '>' || line[i + 1] === '>')) {
      word += c; // a redirection (2>&1, &>log), not a separator
      inWord = true;
    } else if (c === '|' && line[i + 1] !== '|') {
      endCommand();
    } else if (c === '\n' || c === ';' || c === '|' || c === '&') {
      if ((c === '|' || c === '&') && line[i + 1] === c) i++;
      endPipeline();
    } else if ((c === '(' || c === ')') && !inWord) {
      endPipeline();
    } else {
      word += c;
      inWord = true;
    }
  }
  endPipeline();
  return out;
}

function programName(word: string): string {
  const base = word.slice(word.lastIndexOf('/') + 1);
  return base === '' ? word : base;
}

function familyOf(words: readonly string[]): string | undefined {
  let i = 0;
  while (i < words.length && (ASSIGNMENT.test(words[i]!) || WRAPPERS.has(words[i]!))) {
    i++;
    // `timeout 30 cmd`, `env -i cmd`: skip the wrapper's own flags
    while (i < words.length && words[i]!.startsWith('-')) i++;
  }
  if (words[i] === 'timeout') {
    i++;
    while (i < words.length && (words[i]!.startsWith('-') || /^\d/.test(words[i]!))) i++;
  }
  const first = words[i];
  if (first === undefined) return undefined;
  const program = programName(first);
  if (/^python[0-9.]*$/.test(program) && words[i + 1] === '-m' && words[i + 2] !== undefined) return `${program} -m ${words[i + 2]}`;
  if (!SUBCOMMAND_PROGRAMS.has(program)) return program;
  const withArg = OPTION_ARGS.get(program);
  const parts = [program];
  for (let j = i + 1; j < words.length && parts.length < 3; j++) {
    const w = words[j]!;
    if (w === '--') break;
    if (w.startsWith('-')) {
      if (withArg?.has(w)) j++;
      continue;
    }
    if (!WORD.test(w)) break;
    parts.push(w);
    if (parts.length === 2 && !TWO_WORD.get(program)?.has(w)) break;
  }
  return parts.join(' ');
}

/** Commands that set up or report rather than do the work of a chain (`cd x && echo start && npm test`). */
const NOISE: ReadonlySet<string> = new Set([...SETUP, 'echo', 'printf', 'sleep', 'mkdir', 'clear']);

/**
 * The family of a shell command line; `undefined` when it holds no command.
 * In a chain (`git add -A && git commit -m x`) the last command that is not
 * set-up or noise names the action (the one whose failure ends the chain); in a
 * pipeline (`rg x | head`) the first.
 */
export function commandFamily(commandLine: string): string | undefined {
  const families: Array<[family: string, noise: boolean]> = [];
  for (const pipeline of chain(commandLine)) {
    const family = familyOf(pipeline[0]!);
    if (family !== undefined) families.push([family, NOISE.has(family)]);
  }
  for (let i = families.length - 1; i >= 0; i--) if (!families[i]![1]) return families[i]![0];
  return families[families.length - 1]?.[0];
}

/** Longest command kept for display. */
export const MAX_COMMAND_CHARS = 300;

/**
 * The command line of a shell tool's input as logged: a string, or an argv
 * list (`["bash", "-lc", "git status"]` -> "git status"; other lists joined by spaces).
 */
export function commandLineOf(command: unknown): string | undefined {
  if (typeof command === 'string') return command.trim() === '' ? undefined : command;
  if (!Array.isArray(command) || !command.every((w): w is string => typeof w === 'string') || command.length === 0) return undefined;
  const shell = programName(command[0]!);
  if (command.length >= 3 && /^(ba|z|da|k|fi)?sh$/.test(shell) && /^-\w*c\w*$/.test(command[command.length - 2]!)) return command[command.length - 1];
  return command.join(' ');
}

/**
 * The fleet profile's error normaliser and taxonomy. The normaliser keeps what a
 * person reads to recognise an error and drops what varies between occurrences:
 *
 *  - escaped newlines (`\n` in a JSON string quoted inside the text) read as newlines;
 *  - `<returncode>N</returncode>` -> `Exit code N`, and `<output>` tags, dropped;
 *  - `<tool_use_error>` tags (the seed turned `</tool_use_error>` into `</PATH`);
 *  - the code quoted after `String:` (an Edit's old_string) -> `String: <code>`;
 *  - UUIDs -> `<uuid>`; hex ids of 7+ digits with a digit -> `<hex>`;
 *  - branch names (`branch spotter-dov`, `branch 'x'`) -> `branch <branch>`;
 *  - seeds (`seed: 1234`, `--seed 0`) -> `seed <n>`;
 *  - durations (`0.78s`, `12 ms`, `1m30s`) -> `<duration>`;
 *  - paths -> `…/file.ext` (the file name is kept: `mix.exs` failing is not `foo.ts` failing);
 *  - quoted snippets longer than 40 characters -> `"…"`;
 *  - other numbers -> `<n>`, except exit codes (`Exit code 128` stays);
 *  - whitespace collapsed; the first three non-empty lines, joined with ` ⏎ `, at
 *    most 160 characters. No lower-casing: the key is also the shown example.
 *  - but a command's output (`Exit code N`, a Python traceback) is keyed by its first
 *    line and the line that states the error, when one does within its first
 *    STATEMENT_LINES non-empty lines: the first exception or error line (`** (RuntimeError) ...`, `error: ...`,
 *    `json.decoder.JSONDecodeError: ...`, `panic: ...`), else the first failing test's
 *    header (ExUnit `1) test ...`, pytest `___ test_x ___`, `--- FAIL: TestX`). The first
 *    lines of `mix test` are the same for every failure: keyed by them, a missing
 *    `secret_key_base`, a missing test dependency and failed assertions were one
 *    "error" of 6 in 3 sessions (realdata 258c7280:988, 8463c716:1180/1243/1392), while
 *    the two setup errors that each recurred in two sessions were nowhere.
 *
 * The taxonomy is the first category whose pattern matches the original text.
 */

export type ErrorCategory =
  | 'user_rejection'
  | 'hook'
  | 'edit_mismatch'
  | 'permission'
  | 'dependency_missing'
  | 'syntax'
  | 'test_failure'
  | 'git'
  | 'network_timeout'
  | 'tool_misuse'
  | 'not_found'
  | 'other';

/** What to do about an error of each category: the proposals of error clusters and of the failure loops they cause. */
export const CATEGORY_ACTIONS: Record<ErrorCategory, string> = {
  user_rejection: 'Reported under friction.',
  hook: "Run the hook's checks (format, lint, type check) before committing, and tell the agent how in the project instructions.",
  edit_mismatch: 'Have the agent re-read the file before editing; stale context makes old_string miss.',
  permission: 'Grant the permission the task needs, or tell the agent which paths and commands are off limits.',
  dependency_missing: "Install the missing tool or dependency in the agent's environment image.",
  syntax: 'Add a syntax/type check step the agent runs after each edit.',
  test_failure: 'Check whether these failures are flaky or real; give the agent the command that runs the relevant tests only.',
  git: "Document the repository's git workflow (upstream, branches, push rules) in the agent instructions.",
  network_timeout: 'Cache or mirror the remote resource, or raise the timeout for this step.',
  tool_misuse: "Document the tool's limits (read before write, size limits) in the agent instructions.",
  not_found: 'Give the agent the project layout (or a file index) so it stops guessing paths.',
  other: 'Find the root cause of this recurring error.',
};

/** Every category, in CATEGORY_ACTIONS' order (a tie between categories goes to the earlier). */
export const CATEGORIES = Object.keys(CATEGORY_ACTIONS) as ErrorCategory[];

const TAXONOMY: ReadonlyArray<[ErrorCategory, RegExp]> = [
  ['user_rejection', /doesn't want to proceed|tool use was rejected|user (?:rejected|denied|declined)/i],
  // a hook that did something (`hook failed`, `Hook PreToolUse:Bash denied`), not the word in
  // a page the tests printed (`phx-hook="..."` made ExUnit failures "hook" errors, 8463c716:1392)
  ['hook', /pre-commit|pre-push|\bhooks?(?: [a-z]|:)|husky|lint-staged/i],
  ['edit_mismatch', /String to replace not found|old_string|Found \d+ matches of the string|no match(?:es)? found for|did not match any/i],
  ['permission', /permission denied|EACCES|EPERM|not permitted|requires approval|access denied/i],
  [
    'dependency_missing',
    /command not found|ModuleNotFoundError|No module named|Cannot find module|could not resolve dependenc|is not installed|not installed|unresolved import|undefined module|requires [\w.-]{1,40} as a (?:test )?dependency/i,
  ],
  ['syntax', /SyntaxError|syntax error|unexpected token|IndentationError|parse error|ParseError/i],
  // case-sensitive: under /i, `FAILED` was any "failed" ("Failed to connect", "failed to parse")
  [
    'test_failure',
    /\b\d+ (?:tests?|examples?), \d+ failures?|\bFAILED\b|= FAILURES =|^--- FAIL: |AssertionError|\b[Tt]ests? failed|\b[Tt]est failures?|\b\d+ failed\b/m,
  ],
  [
    'network_timeout',
    /timed? ?out|Could not resolve host|Failed to connect|Couldn't connect|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENOTFOUND|getaddrinfo|network|rate.?limit|\b429\b|\b50[234]\b/i,
  ],
  // `git` as a command (`git push`, `git: 'x' is not a git command`), not a name such as the repository git-sync
  ['git', /^fatal:|\bgit(?=:| [a-z])|upstream|failed to push|merge conflict|CONFLICT \(|detached HEAD|not a git repository|\.gitignore/im],
  [
    'tool_misuse',
    /InputValidationError|invalid (?:argument|parameter|input)|failed to parse function arguments|exceeds maximum allowed tokens|has not been read yet|unknown (?:option|flag|argument)|^usage:/im,
  ],
  ['not_found', /No such file|does not exist|not found|ENOENT|cannot find|could not find/i],
];

export function categorize(text: string): ErrorCategory {
  for (const [category, re] of TAXONOMY) if (re.test(text)) return category;
  return 'other';
}

const KEY_CHARS = 160;

const RULES: ReadonlyArray<[RegExp, string]> = [
  [/<\/?tool_use_error>/g, ''],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\bbranch '[^'\n]*'|\bbranch "[^"\n]*"|\bbranch (?=[\w./-]*[-/._\d])[\w./-]*[\w-]/g, 'branch <branch>'],
  [/\bseed(?::\s*|\s+|=)\d+/gi, 'seed <n>'],
  [/(?:"[^"\n]{40,}"|'[^'\n]{40,}'|`[^`\n]{40,}`)/g, '"…"'],
  [/(?:[A-Za-z]:)?(?:~|\.{1,2})?(?:\/[\w.@+~-]+)+\/([\w.@+~-]+)/g, '…/$1'],
  [/(?<![\w.])\d+(?:\.\d+)?\s?(?:ms|µs|us|ns|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)\b/g, '<duration>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/(?<![\w-])(?=[0-9a-f]*\d)[0-9a-f]{7,}\b/gi, '<hex>'],
  [/(?<!\d)(?<!(?:Exit code|exit code|exit status|exited with code) )\d+(?:\.\d+)?/g, '<n>'],
];

/** How far into a command's output the key looks for the line that states the error: a bound,
 * so that a prefix of a huge message settles the key (fleet/message-readers.ts), counted in
 * non-empty lines, which the huge-message stand-in keeps as they are (it cuts runs of one
 * character: in characters, a cut run of 'e' moved a later error line inside the bound). */
export const STATEMENT_LINES = 400;

/** First lines of a command's output, whose later lines say what went wrong. */
const RUN_OUTPUT = /^(?:Exit code -?\d+|Traceback \(most recent call last\):)$/;
/** A line that states an error: raised (Elixir), reported by a compiler, a Python/JS
 * exception's last line, a Go panic. */
const STATEMENTS: readonly RegExp[] = [
  /^\s*\*\* \([\w.]+\) \S/,
  /^\s*error(?:\[[\w-]+\])?: \S/i,
  /^(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception)(?::|$)/,
  /^panic: \S/,
];
/** A failing test's header: ExUnit (`  1) test name (Module)`), pytest, go test, pytest's summary. */
const TEST_HEADERS: readonly RegExp[] = [/^\s*\d+\) test \S/, /^_{3,} \S.* _{3,}$/, /^--- FAIL: \S/, /^FAILED \S/];

/** The line of a command's output that states its error (see the header), or undefined. */
function statementLine(lines: readonly string[]): string | undefined {
  let header: string | undefined;
  let seen = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (++seen > STATEMENT_LINES) break;
    if (STATEMENTS.some((re) => re.test(line))) return line;
    // `  1) test x (M)` -> `test x (M)`; pytest's `____ test_x ____` -> `FAILED test_x`, as its summary says
    if (header === undefined && TEST_HEADERS.some((re) => re.test(line)))
      header = line
        .replace(/^\s*\d+\) (?=test )/, '')
        .replace(/^_{3,} (\S.*?) _{3,}$/, (_, name: string) => (name.startsWith('ERROR ') ? name : `FAILED ${name}`));
  }
  return header;
}

function normalizeLine(raw: string): string {
  let line = raw;
  for (const [re, to] of RULES) line = line.replace(re, to);
  return line.replace(/\s+/g, ' ').trim();
}

export function normalizeErrorText(text: string): string {
  // a JSON string quoted inside the log's text (hook output) keeps its "\n" escapes
  let t = text.replace(/\r\n?|\\r\\n|\\n/g, '\n');
  // wrappers some agents put around a command's result (mini-swe-agent)
  t = t.replace(/^\s*<returncode>(-?\d+)<\/returncode>\s*/, 'Exit code $1\n').replace(/<\/?output>/g, '');
  // an Edit's old_string: everything after "String:" is the agent's code
  t = t.replace(/(^|\n)String:[\s\S]*$/, '$1String: <code>');
  const lines: string[] = [];
  const first = t.trimStart().split('\n', 1)[0]!.trimEnd();
  const statement = RUN_OUTPUT.test(first) ? statementLine(t.split('\n')) : undefined;
  if (statement !== undefined) lines.push(normalizeLine(first), normalizeLine(statement));
  else {
    for (const raw of t.split('\n')) {
      const line = normalizeLine(raw);
      if (line !== '') lines.push(line);
      if (lines.length === 3) break;
    }
  }
  const key = lines.join(' ⏎ ');
  return [...key].length > KEY_CHARS ? `${[...key].slice(0, KEY_CHARS - 1).join('')}…` : key;
}

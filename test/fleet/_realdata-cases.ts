/**
 * AgentSessions built by hand to mirror the realdata cases issue 10 names, with
 * the real file, line numbers and times from ../shared/realdata (read with a
 * script on 2026-12-01). Once the adapters fill AgentSession, the same assertions
 * can run on their output for these files. Calls not relevant to a case are left out.
 */
import type { AgentSession } from '../../src/agent-session.js';
import { bash, call, session, us } from './_build.js';

const SPOTTER = 'claude-code/spotter';
const SNIFFLY = 'claude-code/sniffly/-Users-chip-dev-ai-music';

const CREDO = 'Pre-commit validation failed:\n\n[CREDO]\nChecking 88 source files (this might take a while) ...\n\n  Code Readability';
const DIALYZER = 'Pre-commit validation failed:\n\n[DIALYZER]\nFinding suitable PLTs\nChecking PLT...\n[:acceptor_pool, :asn1]';
const COMMIT = 'git add -A && git commit -m "feat: instrument hook controllers with trace correlation and error spans"';
const noUpstream = (branch: string): string =>
  `Exit code 128\nfatal: The current branch ${branch} has no upstream branch.\nTo push the current branch and set the remote as upstream, use\n\n    git push --set-upstream origin ${branch}\n`;
const REJECTED =
  "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file)";

/** As the Claude Code adapter times a hook that blocked its call (an error that is not the
 * command's "Exit code N"): the whole call (ae4a77f8:1204-1209 logs 24,676 ms). A call the hook
 * let through has hooks logged around it, not timed (no waitMs). */
function hookBlocked(s: AgentSession): AgentSession {
  for (const c of s.calls)
    if (
      c.waitedOn === 'hook' &&
      c.outcome === 'error' &&
      !/^Exit code \d+/.test(c.errorText ?? '') &&
      c.startUs !== undefined &&
      c.endUs !== undefined
    )
      c.waitMs = (c.endUs - c.startUs) / 1000;
  return s;
}

/** ae4a77f8: `git commit` fails 7 times on the pre-commit hook (CREDO/DIALYZER),
 * edits and checks in between, the 7th with --no-verify; a later commit succeeds.
 * Also two Edits whose old_string was not found (lines 258/259, 1299/1300). */
export const ae4a77f8: AgentSession = hookBlocked(
  session('ae4a77f8-aedd-4bc1-888f-c94edc91af04', `${SPOTTER}/ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl`, [
    call({
      tool: 'Edit',
      line: 258,
      resultLine: 259,
      outcome: 'error',
      startUs: us('2026-02-12T14:14:47.545Z'),
      endUs: us('2026-02-12T14:14:47.546Z'),
      errorText:
        '<tool_use_error>String to replace not found in file.\nString:   defp do_setup do\n    try do\n      # Enable W3C Trace Context and Baggage propagators\n</tool_use_error>',
    }),
    bash(
      656,
      661,
      'git add -A && git commit -m "feat: add OTEL dependencies, bootstrap, and safe runtime defaults"',
      '2026-02-12T14:19:45.170Z',
      '2026-02-12T14:22:23.775Z',
      { outcome: 'error', errorText: "Pre-commit validation failed:\n\n[FORMAT] Code is not formatted.\nRun 'mix format' to fix.", waitedOn: 'hook' },
    ),
    bash(663, 670, 'mix format', '2026-02-12T14:22:27.681Z', '2026-02-12T14:22:29.128Z'),
    bash(
      672,
      679,
      'git add -A && git commit -m "feat: add OTEL dependencies, bootstrap, and safe runtime defaults"',
      '2026-02-12T14:22:32.318Z',
      '2026-02-12T14:22:58.753Z',
      { waitedOn: 'hook' },
    ),
    bash(1204, 1209, COMMIT, '2026-02-12T14:28:06.900Z', '2026-02-12T14:28:31.576Z', { outcome: 'error', errorText: CREDO, waitedOn: 'hook' }),
    bash(1282, 1289, 'mix compile 2>&1 | tail -5', '2026-02-12T14:29:26.150Z', '2026-02-12T14:29:27.109Z'),
    bash(1290, 1297, 'mix credo --strict 2>&1 | tail -20', '2026-02-12T14:29:30.531Z', '2026-02-12T14:29:31.885Z'),
    call({
      tool: 'Edit',
      line: 1299,
      resultLine: 1300,
      outcome: 'error',
      startUs: us('2026-02-12T14:29:37.259Z'),
      endUs: us('2026-02-12T14:29:37.260Z'),
      errorText: '<tool_use_error>String to replace not found in file.\nString:   defp get_current_trace_id do\n    try do\n</tool_use_error>',
    }),
    bash(1338, 1343, COMMIT, '2026-02-12T14:30:08.519Z', '2026-02-12T14:30:33.184Z', { outcome: 'error', errorText: DIALYZER, waitedOn: 'hook' }),
    bash(1361, 1366, COMMIT, '2026-02-12T14:30:50.992Z', '2026-02-12T14:31:15.748Z', { outcome: 'error', errorText: DIALYZER, waitedOn: 'hook' }),
    bash(1384, 1389, COMMIT, '2026-02-12T14:31:34.790Z', '2026-02-12T14:31:59.712Z', {
      outcome: 'error',
      errorText: CREDO.replace('88', '114'),
      waitedOn: 'hook',
    }),
    bash(1414, 1419, COMMIT, '2026-02-12T14:32:25.277Z', '2026-02-12T14:32:50.372Z', { outcome: 'error', errorText: DIALYZER, waitedOn: 'hook' }),
    bash(1421, 1428, 'ls -la | grep dialyzer', '2026-02-12T14:32:53.091Z', '2026-02-12T14:32:53.309Z'),
    bash(1442, 1447, COMMIT, '2026-02-12T14:33:04.051Z', '2026-02-12T14:33:26.948Z', { outcome: 'error', errorText: DIALYZER, waitedOn: 'hook' }),
    bash(1449, 1456, 'git status', '2026-02-12T14:33:31.121Z', '2026-02-12T14:33:31.335Z'),
    bash(1458, 1463, COMMIT.replace('git commit', 'git commit --no-verify'), '2026-02-12T14:33:42.030Z', '2026-02-12T14:34:04.636Z', {
      outcome: 'error',
      errorText: DIALYZER,
      waitedOn: 'hook',
    }),
    bash(
      1749,
      1756,
      'git add lib/spotter_web/controllers/otel_trace_helpers.ex && git commit -m "feat: instrument hook controllers"',
      '2026-02-12T14:54:34.157Z',
      '2026-02-12T14:55:01.274Z',
      { waitedOn: 'hook' },
    ),
  ]),
);

/** "no upstream branch" from `git push` in 4 sessions, 4 branch names. */
export const noUpstreamSessions: AgentSession[] = [
  ['4d5611e5-241a-462a-8d15-5122611a9569', 1470, 1477, 'spotter-dov', '2026-02-12T21:03:04.517Z', '2026-02-12T21:03:05.474Z'],
  ['8463c716-a2ea-4c14-9efa-87158ebd9f20', 1557, 1564, 'spotter-fum', '2026-02-11T22:54:04.013Z', '2026-02-11T22:54:05.275Z'],
  ['258c7280-ae70-4798-800f-63464d01a85d', 608, 615, 'spotter-gqc', '2026-02-11T20:56:19.078Z', '2026-02-11T20:56:20.602Z'],
  ['fa812bfe-b295-4cca-9c2f-fdf01028cb46', 632, 639, 'spotter-a0y', '2026-02-12T15:48:55.898Z', '2026-02-12T15:48:56.772Z'],
].map(([id, line, res, branch, start, end]) =>
  session(id as string, `${SPOTTER}/${id as string}.jsonl`, [
    bash(line as number, res as number, 'git push 2>&1', start as string, end as string, {
      outcome: 'error',
      errorText: noUpstream(branch as string),
    }),
  ]),
);

/** d3ad4cdc (sniffly): a Write that waited 4 min 5 s for approval (lines 12/13),
 * and the third "String to replace not found" (lines 94/95, without tags). */
export const d3ad4cdc: AgentSession = session(
  'd3ad4cdc-5657-435d-98fa-0035d53e383d',
  `${SNIFFLY}/d3ad4cdc-5657-435d-98fa-0035d53e383d.jsonl`,
  [
    call({
      tool: 'Write',
      line: 12,
      resultLine: 13,
      startUs: us('2025-06-08T11:05:01.885Z'),
      endUs: us('2025-06-08T11:09:06.733Z'),
      waitedOn: 'approval',
    }),
    call({ tool: 'Write', line: 20, resultLine: 21, startUs: us('2025-06-08T11:10:00.000Z'), endUs: us('2025-06-08T11:10:00.300Z') }),
    call({ tool: 'Write', line: 30, resultLine: 31, startUs: us('2025-06-08T11:11:00.000Z'), endUs: us('2025-06-08T11:11:00.250Z') }),
    call({
      tool: 'Edit',
      line: 94,
      resultLine: 95,
      outcome: 'error',
      startUs: us('2025-06-08T11:45:35.161Z'),
      endUs: us('2025-06-08T11:45:35.174Z'),
      errorText:
        'String to replace not found in file.\nString: def main():\n    """Test diverse musical generation."""    \n    print("🎼 DIVERSE Musical AI Generation")',
    }),
  ],
  { repo: 'ai-music' },
);

/** User rejections: fed8ce56 line 10/13 (a git commit), short.jsonl lines 8/11 and 10/12. */
export const rejections: AgentSession[] = [
  session(
    'fed8ce56-bc79-401f-a83e-af084253362f',
    `${SNIFFLY}/fed8ce56-bc79-401f-a83e-af084253362f.jsonl`,
    [
      bash(10, 13, 'git commit -m "Add AI music generation"', '2025-06-10T12:36:38.462Z', '2025-06-10T12:36:51.838Z', {
        outcome: 'rejected',
        errorText: REJECTED,
      }),
    ],
    { repo: 'ai-music' },
  ),
  session('55604662-cf2a-4331-851a-ec234028f8ca', `${SPOTTER}/short.jsonl`, [
    bash(8, 11, 'mix phx.server 2>&1 | head -80', '2026-02-10T21:12:01.117Z', '2026-02-10T21:12:02.480Z', { outcome: 'error', errorText: REJECTED }),
    call({
      tool: 'Glob',
      line: 10,
      resultLine: 12,
      outcome: 'rejected',
      errorText: REJECTED,
      startUs: us('2026-02-10T21:12:01.669Z'),
      endUs: us('2026-02-10T21:12:02.480Z'),
    }),
  ]),
];

export const ALL_CASES: AgentSession[] = [d3ad4cdc, ...rejections, ...noUpstreamSessions, ae4a77f8];

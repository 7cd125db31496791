/**
 * The rich session record of the fleet profile (DESIGN.md, "Profiles").
 *
 * Adapters fill it where the log has a field and leave it out where it does
 * not; the fleet detectors never guess a missing field (a call without a
 * measured duration has no execution time, only a timestamp gap). The seed
 * profile reads the older `Session` (src/session.ts), which is derived from this
 * record for agent logs and read directly for the session format.
 *
 * Times are integer microseconds since the Unix epoch (as the adapters'
 * `parseTimestampUs`). Lines are 1-based lines of `file` for JSON Lines logs
 * (Claude Code, Codex, OTLP JSON Lines), the evidence a reader opens; a JSON
 * document is streamed without line numbers, so there a "line" is the 1-based
 * position of the event (OpenHands), step or message (SWE-agent,
 * mini-swe-agent) in its list, and 1 for an OTLP document.
 *
 * Adapters produce it (src/input/adapters/: each adapter's `sessions`, or
 * `agentSessionsOf(path)`); the seed profile reads its `toSeedSession` view.
 */

/** How a tool call ended, as the log shows it. `unknown`: the log does not say
 * (the session format without `ok`/`error`, a call with no result line). */
export type CallOutcome = 'ok' | 'error' | 'rejected' | 'interrupted' | 'unknown';

/** What a call waited on before or while it ran, where the log shows it. */
export type WaitKind = 'approval' | 'question' | 'background' | 'subagent' | 'hook';

export interface AgentToolCall {
  /** tool name as logged ("Bash", "shell", "exec_command", "Edit"...); "unknown" when the log names none */
  tool: string;
  /** true when the log names no tool (OTLP spans without a name): the seed view reads such a call's tool as missing */
  toolMissing?: true;
  /** shell tools only: the command family, first words with flags and arguments
   * dropped ("git commit", "npm test", "pytest", "mix test") */
  family?: string;
  /** shell tools only: the command line as run, at most 300 code points (for display) */
  command?: string;
  /** a short stable digest of the call's input: equal for the same action repeated */
  inputDigest: string;
  /** when the call was written, and when its result was */
  startUs?: number;
  endUs?: number;
  /** execution time the agent measured and logged (durationMs, duration_seconds,
   * execution_time, duration_ms), never a timestamp difference */
  measuredMs?: number;
  outcome: CallOutcome;
  /** the error text of a failed or rejected call (the tool result's text) */
  errorText?: string;
  /** position of `errorText` among all the session's error texts (calls' and `errors`') in log
   * order, when the log reports it as an error; the seed view lists errors in this order */
  errorSeq?: number;
  /** what the call waited on, when the log shows it, and for how long when known */
  waitedOn?: WaitKind;
  waitMs?: number;
  /** line of the call in `file`, and of its result when that is another line */
  line: number;
  resultLine?: number;
}

/** Token usage of one model in one session, de-duplicated by message and request id. */
export interface TokenUsage {
  input: number;
  output: number;
  cacheWrite: number;
  /** the part of `cacheWrite` written to the 1-hour cache (billed at 2× input), when the log says */
  cacheWrite1h?: number;
  cacheRead: number;
  /** dollars the agent itself computed and logged for this model's calls in the session
   * (SWE-agent's and mini-swe-agent's `info.model_stats.instance_cost`), when above 0: the
   * fleet profile counts them instead of pricing the tokens with its table */
  loggedUsd?: number;
  /** the line of `file` where that cost is written (the evidence a reader opens) */
  loggedLine?: number;
}

/** An error not attached to a call (an API error line, a session-format `errors` entry). */
export interface SessionError {
  text: string;
  line: number;
  /** position among all the session's error texts in log order (see `AgentToolCall.errorSeq`) */
  errorSeq: number;
}

/** A moment of friction that is not a call: a question to the user, an interruption. */
export interface FrictionEvent {
  kind: 'question' | 'interrupt' | 'permission';
  line: number;
  atUs?: number;
  /** how long the agent waited for the user, when both ends are logged */
  waitMs?: number;
  detail?: string;
}

export type AgentFormat = 'sessions' | 'claude-code' | 'codex' | 'openhands' | 'swe-agent' | 'mini-swe-agent' | 'otlp';

export interface AgentSession {
  sessionId: string;
  agent: AgentFormat;
  /** the input file as given (relative paths stay relative) */
  file: string;
  /** line where the session starts in `file` */
  line: number;
  /** repo identity: the git remote's "owner/name" when the log has it, else the
   * folder name, with worktree suffixes folded ("spotter-4te" in spotter-worktrees -> "spotter") */
  repo: string;
  /** the repo as the seed profile (and the reference's format) names it: the last segment of
   * the remote URL or of the first working folder, worktree suffix kept; absent means "global" */
  seedRepo?: string;
  branch?: string;
  /** usage per model name, in first-seen order */
  usage: Array<[model: string, usage: TokenUsage]>;
  /** earliest and latest timestamp of the session's events (for Claude Code: its user,
   * assistant and system lines; progress and snapshot lines are not session time) */
  firstUs?: number;
  lastUs?: number;
  /** time between events, gaps over 5 minutes counted as idle; 0 without timestamps */
  activeMs: number;
  calls: AgentToolCall[];
  errors: SessionError[];
  friction: FrictionEvent[];
  /** a subagent's parent session id (Claude Code sidechains) */
  parentSessionId?: string;
}

/** Gaps longer than this between two events of a session are idle, not active time. */
export const IDLE_GAP_US = 5 * 60 * 1_000_000;

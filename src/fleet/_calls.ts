/** Small readings of an AgentSession's calls that several detectors share. */
import type { AgentToolCall } from '../agent-session.js';
import { IDLE_GAP_US } from '../agent-session.js';

/** What a person calls the action: the shell command family, else the tool. */
export function subjectOf(call: AgentToolCall): string {
  return call.family ?? call.tool;
}

/** Timestamp gap of a call (result time − call time), when both are logged. */
export function gapUs(call: AgentToolCall): number | undefined {
  if (call.startUs === undefined || call.endUs === undefined) return undefined;
  return Math.max(0, call.endUs - call.startUs);
}

/** The line that shows the call's outcome. */
export function resultLine(call: AgentToolCall): number {
  return call.resultLine ?? call.line;
}

/** Time from this call's start to the next call's start, capped at the idle gap
 * (what the agent spent on this call and its aftermath); undefined without times. */
export function spanToNextUs(calls: readonly AgentToolCall[], i: number): number | undefined {
  const c = calls[i]!;
  if (c.startUs === undefined) return undefined;
  const next = calls[i + 1]?.startUs ?? c.endUs;
  if (next === undefined) return undefined;
  return Math.min(IDLE_GAP_US, Math.max(0, next - c.startUs));
}

const REJECTION = /doesn't want to proceed|tool use was rejected|user (?:rejected|denied|declined)|permission (?:was )?denied by (?:the )?user/i;

/** A user declining a tool use (friction), whatever outcome the adapter wrote. */
export function isUserRejection(call: AgentToolCall): boolean {
  return call.outcome === 'rejected' || (call.errorText !== undefined && REJECTION.test(call.errorText));
}

export function isRejectionText(text: string): boolean {
  return REJECTION.test(text);
}

/** Claude Code cancels the other calls of a parallel batch when one fails: their results
 * ("Sibling tool call errored", "Cancelled: parallel tool call Bash(...) errored") are the
 * consequence of another call's error, not an error of their own. */
const SIBLING_CANCELLED =
  /^\s*(?:<tool_use_error>)?\s*(?:Sibling tool call errored|Cancelled: parallel tool call\b[\s\S]*\berrored)\s*(?:<\/tool_use_error>)?\s*$/;

/** Programs whose exit code 1 means "no line matched", not a failure (grep(1): "exit status is 0
 * if a line is selected, 1 if no lines were selected, and 2 if an error occurred"). */
const SEARCHES = new Set(['grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack', 'git grep', 'zgrep']);
/** A result that is only exit code 1 and no output, as the agents write it (Claude Code and
 * the Codex adapter: "Exit code 1"; mini-swe-agent: `<returncode>1</returncode><output></output>`). */
const EMPTY_EXIT_1 = /^\s*(?:Exit code 1|<returncode>1<\/returncode>\s*<output>\s*<\/output>)?\s*$/;

/**
 * How the fleet detectors read a call's outcome: the adapter's, except that
 *  - a user declining the call is `rejected` (friction), whatever the adapter wrote;
 *  - a call cancelled because a parallel sibling failed is `cancelled`: neither a
 *    failure (no error cluster, no failed attempt) nor a success;
 *  - a search (`grep`, `rg`...) that exited 1 with no output found nothing: `ok`.
 */
export type EffectiveOutcome = AgentToolCall['outcome'] | 'cancelled';

export function isSiblingCancelledText(text: string): boolean {
  return SIBLING_CANCELLED.test(text);
}

export function effectiveOutcome(call: AgentToolCall): EffectiveOutcome {
  if (isUserRejection(call)) return 'rejected';
  if (call.outcome !== 'error') return call.outcome;
  const text = call.errorText ?? '';
  if (SIBLING_CANCELLED.test(text)) return 'cancelled';
  if (call.family !== undefined && SEARCHES.has(call.family) && EMPTY_EXIT_1.test(text)) return 'ok';
  return 'error';
}

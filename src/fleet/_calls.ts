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

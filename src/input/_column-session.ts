/**
 * A seed session whose tool calls came as columns (see ToolColumns in session.ts): `tool_calls`
 * is made from them only if something reads it; the seed detectors read the columns. Made by
 * `toSession` for a record whose `tool_calls` the member reader read as columns, and by the
 * record kernel's reader (_read-members.ts `kernelRecord`) straight from what the kernel read,
 * with the reference's defaults for the members the record lacks: no record object, no
 * `ReadErrors` / `ReadToolCalls` in between (`toSession` then only checks its duration).
 */
import { callsOfColumns, type JsonValue, type NameValue, type Session, type ToolCall, type ToolColumns } from '../session.js';

export class ColumnSession implements Session {
  // set in the constructor, not by a field initializer: that was a call of its own per session (0.1 s, dense archive)
  declare private list: ToolCall[] | undefined;
  /**
   * `duration_minutes`: a boolean already 1 or 0, as toSession makes it; anything else that is
   * not a number is checked by toSession (a manual process's must be a number).
   */
  constructor(
    readonly session_id: NameValue,
    readonly repo: NameValue,
    readonly errors: string[],
    readonly errorKeys: readonly (string | undefined)[] | undefined,
    readonly calls: ToolColumns,
    readonly duration_minutes: JsonValue,
  ) {
    this.list = undefined;
  }

  get tool_calls(): ToolCall[] {
    return (this.list ??= callsOfColumns(this.calls));
  }
}

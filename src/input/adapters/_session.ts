/**
 * Builds one AgentSession while an adapter reads its log: the calls, the
 * errors in log order (`errorSeq`), first/last/active time and token usage.
 * Holds one session; memory is bounded by its calls and responses.
 */
import {
  IDLE_GAP_US,
  type AgentFormat,
  type AgentSession,
  type AgentToolCall,
  type FrictionEvent,
  type SessionError,
  type TokenUsage,
} from '../../agent-session.js';

export class SessionBuilder {
  readonly calls: AgentToolCall[] = [];
  readonly errors: SessionError[] = [];
  readonly friction: FrictionEvent[] = [];
  firstUs: number | undefined;
  lastUs: number | undefined;
  private activeUs = 0;
  private errorCount = 0;
  /** usage per response key, the last record of a response winning (see `usage`) */
  private readonly responses = new Map<string, [string, TokenUsage]>();
  private anonymous = 0;
  private logged: { usd: number; line: number; model: string } | undefined;

  /** A timestamp of a session event: first/last time and active time (gaps over 5 min are idle). */
  event(us: number | undefined): void {
    if (us === undefined) return;
    if (this.firstUs === undefined || us < this.firstUs) this.firstUs = us;
    if (this.lastUs === undefined) this.lastUs = us;
    else if (us > this.lastUs) {
      const gap = us - this.lastUs;
      if (gap <= IDLE_GAP_US) this.activeUs += gap;
      this.lastUs = us;
    }
  }

  /** The next position in the session's log-ordered error list. */
  nextErrorSeq(): number {
    return this.errorCount++;
  }

  /** An error that belongs to no call. */
  sessionError(text: string, line: number, errorSeq = this.nextErrorSeq()): void {
    this.errors.push({ text, line, errorSeq });
  }

  /**
   * Token usage of one model response. Claude Code writes a response as several
   * lines sharing message id and request id, each repeating the usage so far: the
   * last one holds the response's final count (as ccusage counts). `key`
   * undefined: a response that cannot be repeated, always counted.
   */
  usage(key: string | undefined, model: string, u: TokenUsage): void {
    this.responses.set(key ?? `\u0000${this.anonymous++}`, [model, u]);
  }

  /**
   * The session's cost as the agent logged it (`usd` > 0, written at `line`). It is the whole
   * session's, so it is kept only when the session's usage names at most one model: `model`
   * names it when the log has no token counts. With several models it could not be split
   * between them, and their tokens are priced by the table instead.
   */
  loggedCost(usd: unknown, line: number, model: string): void {
    if (typeof usd === 'number' && Number.isFinite(usd) && usd > 0) this.logged = { usd, line, model };
  }

  build(fields: {
    sessionId: string;
    agent: AgentFormat;
    file: string;
    line: number;
    repo: string;
    seedRepo: string | undefined;
    branch?: string | undefined;
    parentSessionId?: string | undefined;
  }): AgentSession {
    const byModel = new Map<string, TokenUsage>();
    for (const [model, u] of this.responses.values()) {
      const t = byModel.get(model);
      if (t === undefined) byModel.set(model, { ...u });
      else {
        t.input += u.input;
        t.output += u.output;
        t.cacheWrite += u.cacheWrite;
        if (u.cacheWrite1h !== undefined || t.cacheWrite1h !== undefined) t.cacheWrite1h = (t.cacheWrite1h ?? 0) + (u.cacheWrite1h ?? 0);
        t.cacheRead += u.cacheRead;
      }
    }
    const logged = this.logged;
    if (logged !== undefined && byModel.size <= 1) {
      let u = byModel.values().next().value;
      if (u === undefined) byModel.set(logged.model, (u = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }));
      u.loggedUsd = logged.usd;
      u.loggedLine = logged.line;
    }
    const s: AgentSession = {
      sessionId: fields.sessionId,
      agent: fields.agent,
      file: fields.file,
      line: fields.line,
      repo: fields.repo,
      usage: [...byModel],
      activeMs: this.activeUs / 1000,
      calls: this.calls,
      errors: this.errors,
      friction: this.friction,
    };
    if (fields.seedRepo !== undefined) s.seedRepo = fields.seedRepo;
    if (fields.branch !== undefined && fields.branch !== '') s.branch = fields.branch;
    if (this.firstUs !== undefined) s.firstUs = this.firstUs;
    if (this.lastUs !== undefined) s.lastUs = this.lastUs;
    if (fields.parentSessionId !== undefined) s.parentSessionId = fields.parentSessionId;
    return s;
  }
}

/** Count of tokens, 0 when absent or not a finite non-negative number. */
export function tokens(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

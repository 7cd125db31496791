/**
 * OpenTelemetry traces in OTLP/JSON with the GenAI semantic conventions:
 * one document `{"resourceSpans": [...]}` (read one resourceSpans entry at a
 * time, _json-walk.ts), or the JSON Lines variant written by the
 * collector's file exporter, one such document per line.
 *
 * Mapping:
 * - session key: span attribute `gen_ai.conversation.id`, else the resource's;
 *   else `session.id` (span, then resource); else the key another span of the
 *   same trace carries (an `execute_tool` child span usually has no conversation
 *   id of its own); else the `traceId`.
 * - session_id: that key. Sessions are yielded in order of their first span in the file.
 * - repo: resource attribute `vcs.repository.name`, else the last segment of
 *   `vcs.repository.url.full` (without ".git"), else `service.name`; the best
 *   one among the session's spans; "global" without any.
 * - tool_calls: spans with `gen_ai.operation.name` "execute_tool" or a name
 *   starting "execute_tool"; tool = `gen_ai.tool.name`, else the rest of the
 *   span name ("execute_tool grep" -> "grep"), else missing (read as "unknown");
 *   latency_ms = (endTimeUnixNano − startTimeUnixNano) / 1e6; in start-time order
 *   (ties: file order).
 * - errors: spans with status code 2 (ERROR), an `error.type` attribute or an
 *   `exception` event, one per span, in start-time order; message = the first
 *   exception event's `exception.message`, else `status.message`, else
 *   `error.type`, else `exception.type`, else the span name.
 * - duration_minutes: (latest end − earliest start) over all the session's spans.
 *
 * Memory bound: OTLP has no end-of-session marker and batches may carry the
 * spans of a conversation anywhere in the file, so a session is complete only
 * when the file ends. Until then each open (trace, session key) group keeps its
 * tool calls and errors (a few numbers and a name each) and its time bounds;
 * other spans are folded into the bounds and dropped. More than
 * `maxOpenSessions` groups (default 100,000) is an input error that asks for
 * the file to be split, rather than an early flush that would cut a session in two.
 */
import { open } from 'node:fs/promises';
import type { AgentSession, AgentToolCall } from '../../agent-session.js';
import type { Session } from '../../session.js';
import { inputError, type ErrorContext } from '../../errors.js';
import { HEAD_BYTES } from './_head.js';
import { walkJson, type Inside } from './_json-walk.js';
import { jsonLines, readFailure, skipMalformed, type AdapterReadOptions } from './_lines.js';
import { inputDigest } from './input-digest.js';
import { toSeedSession } from './seed-view.js';
import { SessionBuilder } from './_session.js';
import { attributes, isErrorStatus, nanos, repoCandidate, str, type Scalar } from './_otlp-values.js';
import { invalid, isObj, typeName } from './_util.js';
import { otlpSignature as detect } from './_signatures.js';

const FORMAT = 'OpenTelemetry';
export const DEFAULT_MAX_OPEN_SESSIONS = 100_000;

export interface OtlpOptions {
  /** cap on open (trace, session key) groups; see the module comment */
  maxOpenSessions?: number;
}

interface TimedCall {
  start: bigint;
  seq: number;
  tool: string | undefined;
  latency: number;
  startNs: bigint | undefined;
  endNs: bigint | undefined;
  line: number;
  digest: string;
}

interface TimedError {
  start: bigint;
  seq: number;
  message: string;
  line: number;
  /** the failed span is this tool call's (by seq) */
  call: boolean;
}

interface Bucket {
  traceId: string;
  ownKey: string | undefined;
  calls: TimedCall[];
  errors: TimedError[];
  minStart: bigint | undefined;
  maxEnd: bigint | undefined;
  repoRank: number;
  repo: string | undefined;
  /** the file line of its first span: the session's line is its first bucket's */
  firstLine: number;
}

const byStart = (a: { start: bigint; seq: number }, b: { start: bigint; seq: number }): number =>
  a.start < b.start ? -1 : a.start > b.start ? 1 : a.seq - b.seq;

/** Groups spans into sessions; `flush` at the end of the file. */
export class SpanGrouper {
  private readonly buckets = new Map<string, Bucket>();
  private readonly traceKeys = new Map<string, string>();
  private seq = 0;
  private readonly max: number;

  constructor(
    private readonly file: string,
    opts: OtlpOptions = {},
  ) {
    this.max = opts.maxOpenSessions ?? DEFAULT_MAX_OPEN_SESSIONS;
  }

  /**
   * One element of `resourceSpans`. `spanLine(list, scope, span)`: the file line where that span
   * opens, when the reader knows it (a document's spans; a JSON Lines export's spans are on the line of `ctx`).
   */
  addResourceSpans(
    rs: unknown,
    where: string,
    ctx: ErrorContext,
    spanLine?: (list: string, scope: number, span: number) => number | undefined,
  ): void {
    if (!isObj(rs)) throw invalid(FORMAT, `${where}is ${typeName(rs)}, expected an object`, ctx);
    let resAttrs = new Map<string, Scalar>();
    const resource = rs.resource;
    if (resource !== undefined && resource !== null) {
      if (!isObj(resource)) throw invalid(FORMAT, `${where}"resource" is ${typeName(resource)}, expected an object`, ctx);
      resAttrs = attributes(resource.attributes, `${where}resource `, ctx);
    }
    const repo = repoCandidate(resAttrs);
    const list = rs.scopeSpans !== undefined && rs.scopeSpans !== null ? 'scopeSpans' : 'instrumentationLibrarySpans';
    const scopes = rs[list];
    if (scopes === undefined || scopes === null) return;
    if (!Array.isArray(scopes)) throw invalid(FORMAT, `${where}"scopeSpans" is ${typeName(scopes)}, expected a list`, ctx);
    scopes.forEach((scope, si) => {
      const w = `${where}scopeSpans #${si}: `;
      if (!isObj(scope)) throw invalid(FORMAT, `${w}is ${typeName(scope)}, expected an object`, ctx);
      const spans = scope.spans;
      if (spans === undefined || spans === null) return;
      if (!Array.isArray(spans)) throw invalid(FORMAT, `${w}"spans" is ${typeName(spans)}, expected a list`, ctx);
      spans.forEach((span, i) => {
        const line = spanLine?.(list, si, i);
        this.addSpan(span, resAttrs, repo, `${w}span #${i}: `, line === undefined ? ctx : { ...ctx, line });
      });
    });
  }

  private addSpan(
    span: unknown,
    res: Map<string, Scalar>,
    repo: { rank: number; value: string } | undefined,
    where: string,
    ctx: ErrorContext,
  ): void {
    if (!isObj(span)) throw invalid(FORMAT, `${where}is ${typeName(span)}, expected an object`, ctx);
    const traceId = span.traceId ?? '';
    if (typeof traceId !== 'string') throw invalid(FORMAT, `${where}"traceId" is ${typeName(traceId)}, expected a string`, ctx);
    const name = span.name ?? '';
    if (typeof name !== 'string') throw invalid(FORMAT, `${where}"name" is ${typeName(name)}, expected a string`, ctx);
    const attrs = attributes(span.attributes, where, ctx);
    const start = nanos(span.startTimeUnixNano, 'startTimeUnixNano', where, ctx);
    const end = nanos(span.endTimeUnixNano, 'endTimeUnixNano', where, ctx);
    const status = span.status;
    if (status !== undefined && status !== null && !isObj(status))
      throw invalid(FORMAT, `${where}"status" is ${typeName(status)}, expected an object`, ctx);
    const events = span.events;
    if (events !== undefined && events !== null && !Array.isArray(events))
      throw invalid(FORMAT, `${where}"events" is ${typeName(events)}, expected a list`, ctx);

    const ownKey = str(attrs, 'gen_ai.conversation.id') ?? str(res, 'gen_ai.conversation.id') ?? str(attrs, 'session.id') ?? str(res, 'session.id');
    if (ownKey !== undefined && !this.traceKeys.has(traceId)) this.traceKeys.set(traceId, ownKey);
    const bucket = this.bucket(traceId, ownKey, ctx);
    if (bucket.firstLine === 0) bucket.firstLine = ctx.line ?? 1;
    const seq = this.seq++;
    if (start !== undefined && (bucket.minStart === undefined || start < bucket.minStart)) bucket.minStart = start;
    if (end !== undefined && (bucket.maxEnd === undefined || end > bucket.maxEnd)) bucket.maxEnd = end;
    if (repo !== undefined && repo.rank < bucket.repoRank) {
      bucket.repoRank = repo.rank;
      bucket.repo = repo.value;
    }
    const order = start ?? 0n;
    let isCall = false;

    if (attrs.get('gen_ai.operation.name') === 'execute_tool' || name.startsWith('execute_tool')) {
      let tool = str(attrs, 'gen_ai.tool.name');
      if (tool === undefined && name.startsWith('execute_tool ')) {
        const rest = name.slice('execute_tool '.length).trim();
        if (rest !== '') tool = rest;
      }
      const latency = start !== undefined && end !== undefined && end > start ? Number(end - start) / 1e6 : 0;
      const args = str(attrs, 'gen_ai.tool.call.arguments');
      const digest = inputDigest(tool ?? 'unknown', args ?? str(attrs, 'gen_ai.tool.call.id') ?? name);
      bucket.calls.push({ start: order, seq, tool, latency, startNs: start, endNs: end, line: ctx.line ?? 1, digest });
      isCall = true;
    }

    let exception: Map<string, Scalar> | undefined;
    for (const ev of events ?? []) {
      if (isObj(ev) && ev.name === 'exception') {
        exception = attributes(ev.attributes, `${where}exception event `, ctx);
        break;
      }
    }
    const errorType = str(attrs, 'error.type');
    const failed = (isObj(status) && isErrorStatus(status.code)) || errorType !== undefined || exception !== undefined;
    if (failed) {
      const statusMessage = isObj(status) && typeof status.message === 'string' && status.message !== '' ? status.message : undefined;
      const message =
        (exception && str(exception, 'exception.message')) ??
        statusMessage ??
        errorType ??
        (exception && str(exception, 'exception.type')) ??
        (name !== '' ? name : 'error');
      bucket.errors.push({ start: order, seq, message, line: ctx.line ?? 1, call: isCall });
    }
  }

  private bucket(traceId: string, ownKey: string | undefined, ctx: ErrorContext): Bucket {
    const id = `${traceId}\u0000${ownKey ?? ''}`;
    let b = this.buckets.get(id);
    if (b === undefined) {
      if (this.buckets.size >= this.max) {
        throw inputError(
          `Too many open OpenTelemetry sessions: more than ${this.max} (trace, session) groups in one file, split the file by session`,
          { ...ctx, file: ctx.file ?? this.file },
        );
      }
      b = { traceId, ownKey, calls: [], errors: [], minStart: undefined, maxEnd: undefined, repoRank: Infinity, repo: undefined, firstLine: 0 };
      this.buckets.set(id, b);
    }
    return b;
  }

  /** The sessions, in order of first appearance; the grouper is empty afterwards. */
  *flush(): Generator<AgentSession> {
    const sessions = new Map<string, Bucket[]>();
    for (const b of this.buckets.values()) {
      const key = b.ownKey ?? this.traceKeys.get(b.traceId) ?? (b.traceId !== '' ? b.traceId : 'unknown');
      const list = sessions.get(key);
      if (list) list.push(b);
      else sessions.set(key, [b]);
    }
    this.buckets.clear();
    this.traceKeys.clear();
    for (const [key, list] of sessions) {
      const calls = list.flatMap((b) => b.calls).sort(byStart);
      const errors = list.flatMap((b) => b.errors).sort(byStart);
      let min: bigint | undefined;
      let max: bigint | undefined;
      let repoRank = Infinity;
      let repo: string | undefined;
      for (const b of list) {
        if (b.minStart !== undefined && (min === undefined || b.minStart < min)) min = b.minStart;
        if (b.maxEnd !== undefined && (max === undefined || b.maxEnd > max)) max = b.maxEnd;
        if (b.repoRank < repoRank) {
          repoRank = b.repoRank;
          repo = b.repo;
        }
      }
      const sb = new SessionBuilder();
      const bySeq = new Map<number, AgentToolCall>();
      const instants: number[] = [];
      if (min !== undefined) instants.push(Number(min / 1000n));
      for (const c of calls) {
        const call: AgentToolCall = { tool: c.tool ?? 'unknown', inputDigest: c.digest, outcome: 'ok', line: c.line, measuredMs: c.latency };
        if (c.tool === undefined) call.toolMissing = true;
        if (c.startNs !== undefined) instants.push((call.startUs = Number(c.startNs / 1000n)));
        if (c.endNs !== undefined) instants.push((call.endUs = Number(c.endNs / 1000n)));
        bySeq.set(c.seq, call);
        sb.calls.push(call);
      }
      if (max !== undefined) instants.push(Number(max / 1000n));
      instants.sort((a, b) => a - b);
      for (const us of instants) sb.event(us);
      errors.forEach((e, errorSeq) => {
        const call = e.call ? bySeq.get(e.seq) : undefined;
        if (call === undefined) return sb.sessionError(e.message, e.line, errorSeq);
        call.outcome = 'error';
        call.errorText = e.message;
        call.errorSeq = errorSeq;
      });
      // Times become whole microseconds: the seed's duration, once (last − first ns) / 6e10, is the same
      // number whenever spans carry whole microseconds (both are one correctly rounded division).
      const line = Math.min(...list.map((b) => b.firstLine));
      yield sb.build({ sessionId: key, agent: 'otlp', file: this.file, line, repo: repo ?? 'global', seedRepo: repo });
    }
  }
}

/** Lines up to this long are parsed whole (JSON Lines mode); past it the file is streamed. */
export const MAX_WHOLE_LINE_BYTES = 8 * 1024 * 1024;

/**
 * JSON Lines when the first line is a whole JSON object (and so not the "{" of a
 * pretty-printed document) of at most MAX_WHOLE_LINE_BYTES: each line is parsed
 * on its own and errors name the line. Otherwise the file is streamed as JSON
 * values one after another, which reads a document (pretty-printed or compact,
 * of any size) and also JSON Lines with longer lines.
 */
async function isJsonLines(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'r');
    const chunk = Buffer.alloc(HEAD_BYTES);
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      const got = chunk.subarray(0, bytesRead);
      const nl = got.indexOf(0x0a);
      parts.push(Buffer.from(nl >= 0 ? got.subarray(0, nl) : got));
      total += bytesRead;
      if (nl >= 0) break;
      if (total > MAX_WHOLE_LINE_BYTES) return false;
    }
    const first = Buffer.concat(parts)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    try {
      return isObj(JSON.parse(first));
    } catch {
      // not a whole JSON value on the first line: a pretty-printed document
      return false;
    }
  } catch (err) {
    throw readFailure(path, err);
  } finally {
    await fh?.close();
  }
}

/**
 * Inside a `resourceSpans` entry of a document, the walk records where each span opens (its
 * evidence line) and looks into nothing else: `resource` and the spans themselves are only scanned.
 */
const spansInside: Inside = (p, kind) => {
  const list = p[0] === 'scopeSpans' || p[0] === 'instrumentationLibrarySpans';
  if (!list) return 'skip';
  if (p.length === 1 || p.length === 2 || (p.length === 3 && p[2] === 'spans')) return kind === 'scalar' ? 'skip' : 'into';
  return p.length === 4 && p[2] === 'spans' ? 'line' : 'skip';
};

/** The file's sessions as the fleet profile reads them, in order of first appearance. */
export async function* sessions(path: string, opts: OtlpOptions & AdapterReadOptions = {}): AsyncGenerator<AgentSession> {
  const grouper = new SpanGrouper(path, opts);
  if (await isJsonLines(path)) {
    for await (const { value: doc, ctx } of jsonLines(FORMAT, path, opts)) {
      if (!isObj(doc)) {
        skipMalformed(opts, invalid(FORMAT, `a line is ${typeName(doc)}, expected an object`, ctx));
        continue;
      }
      const rs = doc.resourceSpans;
      if (rs === undefined || rs === null) continue; // logs or metrics exported to the same file
      if (!Array.isArray(rs)) throw invalid(FORMAT, `"resourceSpans" is ${typeName(rs)}, expected a list`, ctx);
      rs.forEach((r, i) => grouper.addResourceSpans(r, `resourceSpans #${i}: `, ctx));
    }
  } else {
    const parts = walkJson(
      path,
      FORMAT,
      (p, kind, line) => {
        if (p.length === 0) {
          if (kind !== 'object')
            throw invalid(FORMAT, `the document is ${kind === 'array' ? 'a list' : 'a scalar'}, expected an object`, { file: path, line });
          return false;
        }
        if (p.length === 1) {
          if (p[0] === 'resourceSpans' && kind !== 'array')
            throw invalid(FORMAT, `"resourceSpans" is ${kind === 'object' ? 'an object' : 'a scalar'}, expected a list`, { file: path, line });
          return false;
        }
        return p.length === 2 && p[0] === 'resourceSpans';
      },
      { multipleRoots: true, inside: spansInside },
    );
    for await (const { path: p, value, line, lines } of parts) {
      const at = new Map((lines ?? []).map((l) => [l.path.join('/'), l.line]));
      grouper.addResourceSpans(value, `resourceSpans #${String(p[1])}: `, { file: path, line }, (list, scope, span) =>
        at.get(`${list}/${scope}/spans/${span}`),
      );
    }
  }
  yield* grouper.flush();
}

export const name = 'otlp';
export async function* read(path: string, opts: OtlpOptions & AdapterReadOptions = {}): AsyncGenerator<Session> {
  for await (const a of sessions(path, opts)) yield toSeedSession(a);
}

export const otlp = { name, detect, read, sessions } as const;

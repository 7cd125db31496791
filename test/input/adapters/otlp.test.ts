import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../../src/session.js';
import { otlp, read as readOtlp } from '../../../src/input/adapters/otlp.js';
import { collect, FIXTURES, head, lineOffset } from './_collect.js';
import { valueLines } from './_value-lines.js';

const dir = `${FIXTURES}otlp/`;

const EXPECTED: Session[] = [
  {
    session_id: 'conv-A',
    repo: 'widgets', // vcs.repository.name beats the other resource's service.name
    errors: ['npm ERR! missing script'], // exception.message before status.message
    tool_calls: [
      { tool: 'Read', latency_ms: 42 }, // listed after Bash, started before it
      { tool: 'Bash', latency_ms: 2500 },
      { tool: 'Bash', latency_ms: 1000 }, // child span without a conversation id: joined by its trace
    ],
    duration_minutes: 100 / 60,
  },
  {
    session_id: 'conv-B',
    repo: 'widgets',
    errors: ['timeout'], // error.type only
    tool_calls: [
      { tool: 'grep', latency_ms: 500 }, // no gen_ai.tool.name: from the span name
      { tool: undefined, latency_ms: 0 }, // no tool name, no end time
    ],
    duration_minutes: 6.5 / 60,
  },
  { session_id: 'sess-C', repo: 'gizmos', errors: ['chat gpt-5'], tool_calls: [], duration_minutes: 1 },
  {
    session_id: 'd4cda95b652f4a1592b449d5929fda1b', // no conversation or session id: the trace
    repo: 'lonely-agent',
    errors: [],
    tool_calls: [{ tool: 'Glob', latency_ms: 250 }],
    duration_minutes: 0.25 / 60,
  },
];

describe(otlp.name, () => {
  describe('read', () => {
    it('groups interleaved spans of a document into sessions, in order of first appearance', async () => {
      expect(await collect(otlp.read(`${dir}two-sessions-interleaved.json`))).toEqual(EXPECTED);
    });

    it('reads the JSON Lines variant the same way, skipping lines of other signals', async () => {
      expect(await collect(otlp.read(`${dir}two-sessions-interleaved.jsonl`))).toEqual(EXPECTED);
    });

    it('streams concatenated documents (JSON Lines whose lines are too long to parse whole read the same way)', async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'otlp-'));
      try {
        const file = join(tmp, 'concatenated.json');
        const docs = readFileSync(`${dir}two-sessions-interleaved.jsonl`, 'utf8').trim().split('\n');
        writeFileSync(file, docs.map((d) => JSON.stringify(JSON.parse(d), null, 2)).join('\n'));
        expect(await collect(otlp.read(file))).toEqual(EXPECTED);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });

    it('refuses to hold more open sessions than the cap instead of cutting one in two', async () => {
      const file = `${dir}two-sessions-interleaved.json`;
      await expect(collect(readOtlp(file, { maxOpenSessions: 2 }))).rejects.toMatchObject({
        code: 'FP_INPUT',
        // the line where the span that opened the third group opens
        message: `Too many open OpenTelemetry sessions: more than 2 (trace, session) groups in one file, split the file by session, at line 71 in ${file}`,
      });
    });

    it('rejects a start time that is not nanoseconds', async () => {
      const file = `${dir}invalid/bad-start-time.json`;
      await expect(collect(otlp.read(file))).rejects.toMatchObject({
        code: 'FP_INPUT',
        message: `Invalid OpenTelemetry log: resourceSpans #0: scopeSpans #0: span #0: "startTimeUnixNano" is "soon", expected nanoseconds as a string of digits, at line 10 in ${file}`,
      });
    });

    it("gives a document's calls and errors the file line where their span opens, and a session its first span's", async () => {
      const file = `${dir}two-sessions-interleaved.json`;
      const text = readFileSync(file, 'utf8');
      const doc = JSON.parse(text) as { resourceSpans: { scopeSpans: { spans: { name: string; attributes?: unknown[] }[] }[] }[] };
      // every span of the document by the line its '{' is on (found apart from the walk)
      const spanAt = new Map<number, { name: string }>();
      for (const [p, line] of valueLines(text, 6)) {
        const m = /^resourceSpans\/(\d+)\/scopeSpans\/(\d+)\/spans\/(\d+)$/.exec(p);
        if (m) spanAt.set(line, doc.resourceSpans[+m[1]!]!.scopeSpans[+m[2]!]!.spans[+m[3]!]!);
      }
      expect(spanAt.size).toBeGreaterThan(4);
      const sessions = await collect(otlp.sessions(file));
      let calls = 0;
      let errors = 0;
      for (const s of sessions) {
        // its first span, which may be neither a call nor an error (a model call)
        expect(spanAt.has(s.line)).toBe(true);
        expect(s.line).toBeLessThanOrEqual(Math.min(...[...s.calls.map((c) => c.line), ...s.errors.map((e) => e.line)]));
        for (const c of s.calls) {
          const span = spanAt.get(c.line);
          expect(span, `a span opens on line ${c.line}`).toBeDefined();
          if (!c.toolMissing) expect(JSON.stringify(span)).toContain(c.tool);
          calls++;
        }
        for (const e of s.errors) {
          expect(JSON.stringify(spanAt.get(e.line))).toContain(JSON.stringify(e.text).slice(1, -1));
          errors++;
        }
      }
      expect(calls).toBeGreaterThan(3);
      expect(errors + sessions.flatMap((s) => s.calls.filter((c) => c.outcome === 'error')).length).toBeGreaterThan(0);
    });

    it('rejects an invalid JSON line with its location', async () => {
      const file = `${dir}invalid/bad-json-line.jsonl`;
      await expect(collect(otlp.read(file))).rejects.toMatchObject({
        code: 'FP_INPUT',
        context: { file, line: 2, offset: lineOffset(file, 2) },
      });
    });
  });

  describe('detect', () => {
    it.each(['two-sessions-interleaved.json', 'two-sessions-interleaved.jsonl'])('%s', (f) => {
      expect(otlp.detect(head(`${dir}${f}`), f)).toBe(true);
    });

    it.each([
      ['logs', '{"resourceLogs":[]}'],
      ['a session wrapper', '{"sessions":[{"resourceSpans":[]}]}'],
      ['an array', '[{"resourceSpans":[]}]'],
    ])('not %s', (_what, text) => {
      expect(otlp.detect(Buffer.from(text), 'x.json')).toBe(false);
    });
  });
});

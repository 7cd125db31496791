import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../../src/session.js';
import { otlp, read as readOtlp } from '../../../src/input/adapters/otlp.js';
import { collect, FIXTURES, head, lineOffset } from './_collect.js';

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
        message: `Too many open OpenTelemetry sessions: more than 2 (trace, session) groups in one file, split the file by session, in ${file}`,
      });
    });

    it('rejects a start time that is not nanoseconds', async () => {
      const file = `${dir}invalid/bad-start-time.json`;
      await expect(collect(otlp.read(file))).rejects.toMatchObject({
        code: 'FP_INPUT',
        message: `Invalid OpenTelemetry log: resourceSpans #0: scopeSpans #0: span #0: "startTimeUnixNano" is "soon", expected nanoseconds as a string of digits, in ${file}`,
      });
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

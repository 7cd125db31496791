/**
 * Bounded memory: a 320 MB archive is generated on the fly (never written to disk,
 * never held whole) and streamed through the decoder and the accumulators; the heap
 * stays under a fixed bound far below the input size.
 */
import { describe, expect, it } from 'vitest';
import { decodeWithFastDecoder } from '../../src/input/fast-decoder.js';
import { analyzeEvents } from '../../src/analyze.js';
import { recordEvents } from '../../src/input/read-sessions.js';

const TARGET_BYTES = 320 * 1024 * 1024;
const HEAP_BOUND = 96 * 1024 * 1024;

/** A JSON array of sessions with large `messages`, in ~1 MB chunks. */
async function* archive(stats: { bytes: number; sessions: number }): AsyncGenerator<Buffer> {
  const filler = 'log line with "quotes", back\\\\slashes, \\n newlines, é, 中文, 😀 '.repeat(40);
  const tools = ['Bash', 'Read', 'Edit', 'WebFetch'];
  yield Buffer.from('[');
  let parts: string[] = [];
  let size = 0;
  let i = 0;
  while (stats.bytes < TARGET_BYTES) {
    const session = {
      session_id: `s-${i}`,
      repo: `repo-${i % 7}`,
      messages: Array.from({ length: 12 }, (_, k) => ({ role: k % 2 ? 'assistant' : 'user', content: filler })),
      // a new error key every session: the error map grows with distinct keys, as documented,
      // but only by a few bytes per key; the sessions themselves are never kept
      errors: [{ message: `Timeout in /srv/app/${i}.py` }, { message: `Unique failure number ${i % 5000}` }],
      tool_calls: Array.from({ length: 14 }, (_, k) => ({ tool: tools[(k >> 2) % 4], latency_ms: 100 + ((i * 31 + k) % 9000) })),
      duration_minutes: (i % 300) / 7,
    };
    const text = (i === 0 ? '' : ',') + JSON.stringify(session);
    parts.push(text);
    size += text.length;
    i++;
    if (size > 1 << 20) {
      const buf = Buffer.from(parts.join(''));
      stats.bytes += buf.length;
      parts = [];
      size = 0;
      yield buf;
    }
  }
  parts.push(']');
  const last = Buffer.from(parts.join(''));
  stats.bytes += last.length;
  stats.sessions = i;
  yield last;
}

describe('bounded memory', () => {
  it('streams a 320 MB archive with a heap far below the input size', async () => {
    const stats = { bytes: 0, sessions: 0 };
    let peakHeap = 0;
    let seen = 0;
    const sample = () => {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    };
    const timer = setInterval(sample, 20);
    try {
      const { state } = await analyzeEvents(recordEvents(decodeWithFastDecoder(archive(stats), { file: 'generated' }), 'generated'), [0, 0], {
        strict: true,
        profile: 'seed',
        onSession: () => {
          if (++seen % 500 === 0) sample();
        },
      });
      expect(stats.bytes).toBeGreaterThanOrEqual(TARGET_BYTES);
      expect(state.sessions).toBe(stats.sessions);
      expect((state.detectors['repeated_errors'] as Map<string, unknown>).size).toBe(Math.min(stats.sessions, 5000) + 1);
    } finally {
      clearInterval(timer);
    }
    sample();
    expect(peakHeap).toBeLessThan(HEAP_BOUND);
  }, 180_000);
});

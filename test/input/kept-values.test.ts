/** Numbers used as names keep their Python spelling through both decoders. */
import { describe, expect, it } from 'vitest';
import { decodeWithFastDecoder } from '../../src/input/fast-decoder.js';
import { decodeWithStreamJson } from '../../src/input/stream-json-decoder.js';
import { toSession } from '../../src/input/to-session.js';
import { pyKey } from '../../src/python/py-key.js';
import { PyNum } from '../../src/python/py-num.js';
import { pyStr } from '../../src/python/index.js';

const text = `[{"session_id": 100.0, "repo": 12345678901234567890, "duration_minutes": 2.0,
  "tool_calls": [{"tool": 1e2, "latency_ms": 5.0}, {"tool": -0.0}, {"tool": -0}, {"tool": 7}, {"tool": 1.5},
                 {"args": {"tool": 3.0}, "tool": "Bash"}, {"tool": 123456789012345678901234.0}]}]`;

async function* once(s: string): AsyncGenerator<Buffer> {
  yield Buffer.from(s);
}

describe.each([
  ['fast', decodeWithFastDecoder],
  ['stream-json', decodeWithStreamJson],
] as const)('numbers used as names (%s decoder)', (_name, decode) => {
  it('print and compare as Python reads them; values stay numbers', async () => {
    const values: unknown[] = [];
    for await (const ev of decode(once(text), { file: 'x' })) if (ev.kind === 'record') values.push(ev.record.value);
    const checked = toSession(values[0]);
    if (!checked.ok) throw new Error(checked.reason);
    const s = checked.session;
    expect(pyStr(s.session_id)).toBe('100.0');
    expect(pyStr(s.repo)).toBe('12345678901234567890');
    expect(s.duration_minutes).toBe(2);
    expect(s.tool_calls.map((c) => pyStr(c.tool))).toEqual(['100.0', '-0.0', '0', '7', '1.5', 'Bash', '1.2345678901234569e+23']);
    expect(s.tool_calls[0]!.latency_ms).toBe(5);
    expect(s.tool_calls[0]!.tool).toBeInstanceOf(PyNum);
    // Python equality: 100.0 == 100, -0.0 == 0 == False; a big int is exact, not the nearest double
    expect(pyKey(s.tool_calls[0]!.tool)).toBe(pyKey(100));
    expect(pyKey(s.tool_calls[1]!.tool)).toBe(pyKey(false));
    expect(pyKey(s.repo)).not.toBe(pyKey(12345678901234567890));
    expect(pyKey(s.tool_calls[6]!.tool)).toBe('n123456789012345685803008');
  });
});

/**
 * Own properties only: a record read from JSON has exactly the keys written in it.
 * `{"__proto__": {...}}` is an ordinary key (JSON.parse and Python agree); it must
 * neither replace an object's prototype nor lend its keys to the object (issue 9:
 * `--parser stream-json` counted `{"errors":[{"__proto__":{"message":"x"}}]}` as an error).
 */
import { describe, expect, it } from 'vitest';
import { decodeWithFastDecoder } from '../../src/input/fast-decoder.js';
import { decodeWithStreamJson } from '../../src/input/stream-json-decoder.js';
import { toSession } from '../../src/input/to-session.js';

async function* once(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

async function sessionsOf(decode: typeof decodeWithFastDecoder, text: string) {
  const out = [];
  for await (const ev of decode(once(text), { file: 'f' })) if (ev.kind === 'record') out.push(toSession(ev.record.value));
  return out;
}

describe.each([
  ['fast', decodeWithFastDecoder],
  ['stream-json', decodeWithStreamJson],
] as const)('own properties (%s decoder)', (_name, decode) => {
  it('an error whose only key is "__proto__" has no message', async () => {
    const [s] = await sessionsOf(decode, '[{"errors":[{"__proto__":{"message":"x"}}]}]');
    expect(s).toEqual({ ok: true, session: expect.objectContaining({ errors: [] }) });
  });

  it('a "__proto__" key is kept as an own property, the prototype untouched', async () => {
    const out = [];
    for await (const ev of decode(once('[{"errors":[{"__proto__":{"message":"x"},"message":"y"}]}]'), {}))
      if (ev.kind === 'record') out.push(ev.record.value);
    const err = (out[0] as { errors: object[] }).errors[0]!;
    expect(Object.getPrototypeOf(err)).toBe(Object.prototype);
    expect(Object.keys(err)).toEqual(['__proto__', 'message']);
    expect(toSession(out[0])).toEqual({ ok: true, session: expect.objectContaining({ errors: ['y'] }) });
  });

  it('a tool call with a "__proto__" key reads no inherited tool or latency', async () => {
    const [s] = await sessionsOf(decode, '[{"tool_calls":[{"__proto__":{"tool":"Bash","latency_ms":5}}]}]');
    expect(s).toEqual({ ok: true, session: expect.objectContaining({ tool_calls: [{ tool: undefined, latency_ms: 0 }] }) });
  });
});

describe('toSession on objects built in code', () => {
  it('ignores an inherited message', () => {
    const err = Object.create({ message: 'inherited' }) as object;
    expect(toSession({ errors: [err] })).toEqual({ ok: true, session: expect.objectContaining({ errors: [] }) });
  });
});

/**
 * JIT priming of the fast decoder.
 *
 * `scan` is one big function. V8 optimizes it once it is hot, with the type feedback
 * gathered so far; a branch never taken before (a \u escape split by a chunk
 * boundary, an exponent, a literal...) then deoptimizes it, and it runs in the
 * interpreter (~20 MB/s) until it is hot again. Measured on real agent logs, those
 * cycles cost the first ~50 MB. Running every path once, on a tiny corpus and
 * several chunkings, before the first real input gives the optimizer complete
 * feedback. Costs ~20 ms once per process (or worker): 27 decoders, a third of them fed a byte
 * at a time (2026-12-02; it was ~95 ms while each seed decoder allocated 0.8 MB of tool-call
 * columns up front, see _tool-call-reader.ts FIRST_COLUMN_CALLS).
 */

/** The decoder options the corpus varies (a subset of FastDecoderOptions). */
interface PrimeOptions {
  shape?: 'jsonl';
  seedSessions?: boolean;
}

/** A fresh decoder with these options, as fast-decoder.ts makes one. */
export type MakeDecoder = (opts: PrimeOptions) => { push(chunk: Uint8Array): void; end(): void };

const PRIME_CORPUS: ReadonlyArray<readonly [string, PrimeOptions]> = [
  [
    '\ufeff[{"session_id":"s\\u00e9\\n\\"x\\\\","repo":"r/é😀","messages":[{"role":"user","content":"a\\tb\\/c\\bd\\fe\\rf\\u20AC 中文 \\ud83d\\ude00"},' +
      '{"k":[1,-2,0,0.5,-0.25e+3,1E-2,1e5,true,false,null,{},[]]}],"errors":[{"message":"m"}],' +
      '"tool_calls":[{"tool":"t","latency_ms":12.5},{"tool":"u","latency_ms":0}],"duration_minutes":3,' +
      '"\\u0073ession_id":"dup","' +
      'a property name longer than any name we look for, '.repeat(3) +
      '":1,' +
      '"x":{"sessions":[1]}},\n 5, -1.5e3, 0, "str", true, false, null, [1, {"a": "b"}], {}\n]\n',
    {},
  ],
  ['{"version": 1, "sessions": [{"session_id": "a", "duration_minutes": 1.5}], "meta": {"a": [1]}, "sessions": [{"repo": "b"}, 2]}', {}],
  ['{"session_id":"a","x":[1,2]}\n{"repo":"b"}\r\n\n7\n"s"\n[true]\n', {}],
  ['{"sessions":1}\n12\n{"tool_calls":[]}\n-3', { shape: 'jsonl' }],
  // the members read straight from the bytes (seed sessions), in all their shapes
  [
    '[{"session_id":7,"repo":"r","errors":[{"message":"a\\"b","x":[{"y":null}]},{"message":null},{}],"tool_calls":[{"tool":"t","latency_ms":12},' +
      '{"tool":"é","latency_ms":1.5e3,"x":{"a":[true,false]}},{"tool":null,"latency_ms":true},{"tool":2.0},{}],"duration_minutes":-0.5},\n' +
      '{"session_id":null,"repo":1e400,"errors":[],"tool_calls":[],"duration_minutes":false}, {"errors":"", "tool_calls":{}, "repo":[1]}]',
    { seedSessions: true },
  ],
];

/** Run every corpus entry through fresh decoders, whole and in 1- and 3-byte chunks. */
export function primeDecoder(make: MakeDecoder): void {
  for (const [text, opts] of PRIME_CORPUS) {
    const bytes = Buffer.from(text, 'utf8');
    for (const seedSessions of opts.seedSessions === true ? [true] : [false, true]) {
      for (const size of [bytes.length, 1, 3]) {
        const decoder = make({ ...opts, seedSessions });
        for (let at = 0; at < bytes.length; at += size) decoder.push(bytes.subarray(at, at + size));
        decoder.end();
      }
    }
  }
}

/**
 * A copy of `s` that shares no memory with stream-json's input. stream-json's
 * string values can be slices of a whole input chunk, and a kept slice (an error
 * key, a tool name, a session id) pins that chunk: 1 MB per distinct error key,
 * measured as a heap past 2 GB on a 1 GB archive. JSON round-tripping keeps lone
 * surrogates, which a UTF-8 round trip would replace.
 */
export function detach(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

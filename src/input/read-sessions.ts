/**
 * One classified input -> its sessions, as events (types.ts `InputEvent`): the
 * session decoders plus `toSession`, or an agent-log adapter. Nothing here feeds
 * an accumulator; the analysis loop (src/analyze.ts) does, for the main thread
 * and the workers alike.
 */
import { inputError } from '../errors.js';
import type { ParserKind } from '../options.js';
import { adapterByName } from './adapters/index.js';
import { readAgentLog } from './agent-logs.js';
import { openBytes } from './bytes.js';
import type { Input } from './classify.js';
import { decodeWithFastDecoder } from './fast-decoder.js';
import { decodeWithStreamJson } from './stream-json-decoder.js';
import { toSession } from './to-session.js';
import type { DecodeEvent, InputEvent } from './types.js';

export interface ReadOptions {
  parser: ParserKind;
  /** called with the number of raw bytes read, as they are read */
  onBytes?: (n: number) => void;
}

export type Decoder = (source: AsyncIterable<Buffer>, opts: { file: string; shape: 'auto' | 'jsonl' }) => AsyncIterable<DecodeEvent>;

export function decoderFor(kind: ParserKind): Decoder {
  return kind === 'fast' ? decodeWithFastDecoder : decodeWithStreamJson;
}

/** Decoded records -> sessions and malformed notes. */
export async function* sessionEvents(events: AsyncIterable<DecodeEvent>, file: string): AsyncGenerator<InputEvent> {
  for await (const ev of events) {
    if (ev.kind === 'reset') {
      yield ev;
      continue;
    }
    const value = ev.record.value;
    const checked = toSession(value);
    if (checked.ok) {
      // the decoders keep only the session keys: an object left empty had none of them
      const keyless = typeof value === 'object' && value !== null && Object.keys(value).length === 0;
      yield { kind: 'session', session: checked.session, keyless };
    } else {
      yield { kind: 'malformed', reason: checked.reason, context: { file, offset: ev.record.offset, line: ev.record.line } };
    }
  }
}

/** Read one whole input. */
export async function* readInput(input: Input, opts: ReadOptions): AsyncGenerator<InputEvent> {
  if (input.mismatch !== undefined) throw inputError(input.mismatch, { file: input.path });
  if (input.kind === 'agent') {
    const adapter = adapterByName(input.format);
    if (adapter === undefined) throw inputError(`Unknown input format '${input.format}'`, { file: input.path }, 'FP_INTERNAL');
    for await (const session of readAgentLog(input, adapter, opts.onBytes)) yield { kind: 'session', session, keyless: false };
    return;
  }
  const decode = decoderFor(opts.parser);
  yield* sessionEvents(decode(openBytes(input, opts.onBytes), { file: input.path, shape: input.shape }), input.path);
}

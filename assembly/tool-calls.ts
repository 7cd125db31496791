// AssemblyScript (compiled to WebAssembly by `npm run build:wasm`): the entry of tool-calls.wasm,
// which src/input/wasm/tool-calls.ts loads. AssemblyScript exports every export of the entry
// file, so this file is the module's face and holds nothing else but errorKeyAt: the compact-call
// reader, its name table and the scratch area's layout (assembly/compact-calls.ts), the whole
// record reader readRecord (assembly/seed-record.ts, on the tokens of assembly/json-tokens.ts)
// and the error keys (assembly/error-key.ts). It exports what it did when the readers lived here
// (`find`, `compactCall` and the layout offsets too, unused by JS), so the .wasm is the same.
// Not TypeScript: this folder is outside tsconfig's include.
//
import { KEY_OUT, KEYS_AT } from './compact-calls';
import { errorKey } from './error-key';

export {
  AFTER_CALL,
  AREA_BYTES,
  AT_CALL,
  CAP,
  CLOSED,
  ENTRIES,
  ENTRIES_AT,
  IDS_AT,
  KEYS_AT,
  LATS_AT,
  MAX_ENTRIES,
  MAX_MESSAGES,
  MAX_NAME,
  MESSAGES,
  MESSAGES_AT,
  NOT_COMPACT,
  UNKNOWN,
  UNKNOWN_NAME,
  compactCall,
  find,
  readCalls,
  register,
} from './compact-calls';
export {
  DUR_FALSE,
  DUR_NULL,
  DUR_TEXT,
  DUR_TRUE,
  DUR_VALUE,
  NOT_RECORD,
  RECORD,
  RECORD_UNKNOWN_NAME,
  readRecord,
} from './seed-record';
export { STR_ESCAPED, STR_HIGH } from './json-tokens';
export { EMPTY_KEY, FALLBACK, KEY_SLOT, KEY_SLOTS, NEW_KEY } from './error-key';

/**
 * The seed error key of the message at addresses [s, e) (see assembly/error-key.ts): a slot of
 * the key table at KEYS_AT (+ NEW_KEY when written now), EMPTY_KEY or FALLBACK.
 */
export function errorKeyAt(area: usize, s: usize, e: usize): i32 {
  return errorKey(area + KEY_OUT, area + KEYS_AT, s, e);
}

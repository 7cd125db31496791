/**
 * The one door to stream-json (1.x, CommonJS, default-imported as its typings
 * declare). Its API changed in 2.0 and again (ESM) in 3.0, so the decoders and
 * the adapters' JSON walk import it from here, with one `Token` type.
 */
import Assembler from 'stream-json/Assembler.js';
import Parser from 'stream-json/Parser.js';

export { Assembler, Parser };

/** A token of stream-json's tokenizer (packed values: keys, strings and numbers arrive whole). */
export interface Token {
  name: string;
  value?: string;
}

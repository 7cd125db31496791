/**
 * The fast decoder's parse of a kept member: `JSON.parse`, except that a number used
 * as a name (session_id, repo, a tool call's tool) keeps its Python spelling
 * (`100.0` is a float, `12345678901234567890` an exact int; see python/py-num.ts).
 * Only records with such numbers pay for a second, lexeme-keeping parse.
 */
import { pyNumber } from '../python/py-num.js';

class Lexeme {
  constructor(readonly text: string) {}
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;

/** A parse of already validated JSON that keeps number tokens as Lexemes (objects without prototypes). */
function parseLexemes(text: string): unknown {
  let i = 0;
  const ws = () => {
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  };
  const token = (re: RegExp): string => {
    re.lastIndex = i;
    const m = re.exec(text)!;
    i = re.lastIndex;
    return m[0];
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o = Object.create(null) as Record<string, unknown>;
      ws();
      if (text[i] === '}') return (i++, o);
      for (;;) {
        ws();
        const k = JSON.parse(token(STRING)) as string;
        ws();
        i++; // ':'
        o[k] = value();
        ws();
        if (text[i++] === '}') return o;
      }
    }
    if (c === '[') {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === ']') return (i++, a);
      for (;;) {
        a.push(value());
        ws();
        if (text[i++] === ']') return a;
      }
    }
    if (c === '"') return JSON.parse(token(STRING)) as string;
    if (c === 't') return ((i += 4), true);
    if (c === 'f') return ((i += 5), false);
    if (c === 'n') return ((i += 4), null);
    return new Lexeme(token(NUMBER));
  };
  return value();
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseKeptMember(key: string, text: string): unknown {
  const v: unknown = JSON.parse(text);
  if (key === 'session_id' || key === 'repo') return typeof v === 'number' ? pyNumber(text.trim()) : v;
  if (key === 'tool_calls' && Array.isArray(v) && v.some((tc) => isObj(tc) && typeof tc['tool'] === 'number')) {
    const lex = parseLexemes(text) as unknown[];
    v.forEach((tc, k) => {
      const l = lex[k];
      if (isObj(tc) && typeof tc['tool'] === 'number' && isObj(l) && l['tool'] instanceof Lexeme) tc['tool'] = pyNumber(l['tool'].text);
    });
  }
  return v;
}

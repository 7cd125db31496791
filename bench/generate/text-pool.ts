/** The seeded pool of text fragments (prose, code fences, stack traces) that messages are cut from. */
import { escapeJson } from './placeholders.js';
import type { Rng } from './rng.js';
import { FILES, path } from './vocabulary.js';

const WORDS = (
  'the a to of and in is it for that this with on we should can file test function error build run ' +
  'fix change update module import export return value type config server client request response ' +
  'cache query index branch commit merge diff patch refactor let me check look at now then first ' +
  'because failing passing output input path directory dependency version package handler async await ' +
  'promise callback stream buffer parse token schema database migration deploy pipeline container ' +
  'café naïve résumé über größer straße façade déjà señal 中文 测试 文件 日本語 コード 한국어 ' +
  '🚀 ✅ 🔥 👍 🎉 🤔 ⚠️ 🐛 👍🏽 𝔘𝔫𝔦𝔠𝔬𝔡𝔢'
).split(' ');

const CODE_SNIPPETS: readonly string[] = [
  'export async function load(path: string): Promise<Config> {\n\tconst raw = await readFile(path, "utf8");\n\treturn JSON.parse(raw) as Config;\n}',
  'def normalize(msg: str) -> str:\n    msg = re.sub(r"/\\S+", "/PATH", msg)\n    return msg[:150]',
  'for f in $(git ls-files "*.ts"); do\n  sed -i \'s/\\t/  /g\' "$f"\ndone',
  '{\n  "name": "@acme/ui",\n  "scripts": { "test": "vitest run", "build": "tsc -p ." }\n}',
  'const re = /^(\\d{4})-(\\d{2})-(\\d{2})T/;\nif (!re.test(s)) throw new Error(`bad date: "${s}"`);',
  'SELECT id, "userName", created_at FROM users WHERE email LIKE \'%@acme.dev\' ORDER BY 1;',
  'C:\\Users\\dev\\project\\node_modules\\.bin\\tsc.cmd --noEmit\r\nexit /b %ERRORLEVEL%',
  'fn main() -> Result<(), Box<dyn Error>> {\n    let s = "quote \\" and backslash \\\\";\n    println!("{s}");\n    Ok(())\n}',
  'printf "%s\\t%s\\n" "$name" "$value" >> out.tsv',
  'assert.deepStrictEqual(parse(\'{"a": "\\u00e9"}\'), { a: "é" });',
  'python3 -c "import json,sys; print(json.load(sys.stdin)[\'sessions\'][0])"',
  'git log --format="%H %s" | grep -E "fix\\(.*\\):" | head -n 20',
];

const STACK_LINES: readonly string[] = [
  '\tat Object.<anonymous> (/src/app/index.js:12:5)\n\tat Module._compile (node:internal/modules/cjs/loader:1256:14)',
  '  File "/usr/lib/python3.11/json/decoder.py", line 353, in raw_decode\n    obj, end = self.scan_once(s, idx)',
  'goroutine 1 [running]:\nmain.main()\n\t/home/dev/work/cmd/server/main.go:42 +0x1d',
];

function sentence(rng: Rng): string {
  const n = rng.int(6, 24);
  let s = '';
  for (let i = 0; i < n; i++) s += (i ? ' ' : '') + rng.pick(WORDS);
  s = s.charAt(0).toUpperCase() + s.slice(1);
  const r = rng.float();
  if (r < 0.1) s = `He said "${s}" — and it worked`;
  else if (r < 0.15) s += ` (see \`${path(rng, 0)}\`)`;
  else if (r < 0.2) s += ` in C:\\Users\\dev\\${rng.pick(FILES)}`;
  return s + rng.pick(['. ', '. ', '! ', '? ', '.\n', '.\n\n', ':\n\t- ', '… ']);
}

/** A seeded pool of text fragments (prose, code fences, stack traces). */
export function buildPool(rng: Rng, size = 3000): string[] {
  const pool: string[] = [];
  for (let i = 0; i < size; i++) {
    const r = rng.float();
    if (r < 0.72) {
      let p = '';
      const k = rng.int(1, 4);
      for (let j = 0; j < k; j++) p += sentence(rng);
      pool.push(p);
    } else if (r < 0.92) {
      const lang = rng.pick(['ts', 'python', 'bash', 'json', 'rust', 'sql', '']);
      pool.push(`\n\`\`\`${lang}\n${rng.pick(CODE_SNIPPETS)}\n\`\`\`\n`);
    } else {
      pool.push(`\n${rng.pick(STACK_LINES)}\n`);
    }
  }
  return pool;
}

/**
 * `length` UTF-16 units of pool text as whole fragments plus a cut one. Escaping
 * is per character, so writing escaped fragments equals escaping the joined text;
 * copying pre-encoded fragments instead of stringifying ~1 GB of content keeps
 * the generator I/O-bound.
 */
export function poolText(rng: Rng, pool: readonly string[], length: number): { fragments: number[]; tailJson: string } {
  const fragments: number[] = [];
  let n = 0;
  for (;;) {
    const i = Math.floor(rng.float() * pool.length);
    const raw = pool[i] as string;
    if (n + raw.length < length) {
      fragments.push(i);
      n += raw.length;
      continue;
    }
    let cut = raw.slice(0, length - n);
    // never cut an astral character in half
    const last = cut.charCodeAt(cut.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
    return { fragments, tailJson: escapeJson(cut) };
  }
}

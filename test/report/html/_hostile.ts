/** Log strings that try to break out of HTML, and a page checker for them. */
import { parseHTML } from 'linkedom';

export const HOSTILE = [
  '<script>alert(1)</script>',
  '</style><img src=x onerror=alert(2)>',
  `"'><svg onload=alert(3)>`,
  '\u202eexe.txt\u202c \u2066iso\u2069 \u200f',
  '\u001b[31mred\u001b[0m \u0007bell \u0000nul \u009b',
  '</script><!-- --> <![CDATA[ ]]> &amp; &lt;',
  'javascript:alert(4)',
].join(' | ');

/** Every string of a JSON-like value mapped, except at the named keys (enums, dates). */
export function mapStrings<T>(value: T, f: (s: string) => string, keep: ReadonlySet<string>): T {
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') return key !== undefined && keep.has(key) ? v : f(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value, undefined) as T;
}

const TAGS = new Set(
  'html head meta title style body header main section footer h1 h2 h3 p div span dl dt dd code strong b ul li article figure figcaption table caption thead tbody tr th td button input details summary a svg g path line rect text tspan circle script noscript'.split(
    ' ',
  ),
);
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;

/** Problems found in a page that got log strings: empty when none broke out. */
export function breakouts(page: string): string[] {
  const out: string[] = [];
  const scripts = page.match(/<script/gi) ?? [];
  if (scripts.length !== 1) out.push(`${scripts.length} <script tags`);
  const opens = (page.match(/<style/gi) ?? []).length;
  const closes = (page.match(/<\/style>/gi) ?? []).length;
  if (opens !== closes) out.push(`${opens} <style but ${closes} </style>`);
  const bad = UNSAFE.exec(page);
  if (bad) out.push(`raw control U+${bad[0].charCodeAt(0).toString(16)} at ${bad.index}`);
  const { document } = parseHTML(page);
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (!TAGS.has(tag)) out.push(`unexpected <${tag}>`);
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) out.push(`event attribute ${a.name} on <${tag}>`);
      if ((a.name === 'href' || a.name === 'src') && !a.value.startsWith('#')) out.push(`${a.name}="${a.value}"`);
    }
  }
  return out;
}

/**
 * The building blocks both profiles' pages share: the document shell, the header, tiles,
 * chart figures and enhanced tables. All text arguments are log-safe: they are escaped
 * here, never by callers, except arguments named `html` (markup built by these helpers).
 */
import { createHash } from 'node:crypto';
import { NOSCRIPT_CSS, PAGE_CSS, PAGE_ROWS, PAGE_SCRIPT } from './_assets.js';
import { escapeHtml } from './escape.js';

/** What the page says about how it was made (the renderer never reads a clock or argv). */
export interface PageContext {
  /** the exact command line, as typed (argv joined with shell quoting) */
  command: string;
  /** the inputs as given */
  inputs: readonly string[];
  /** ISO 8601; the only part of the page that differs between two runs on the same input */
  generatedAt: string;
}

/** Markup made by these helpers (not a log string). */
export interface Html {
  readonly html: string;
}

export function html(s: string): Html {
  return { html: s };
}

const e = escapeHtml;

/** The inline script is allowed by its hash: an injected script would not run even if escaping failed. */
const SCRIPT_HASH = createHash('sha256').update(PAGE_SCRIPT).digest('base64');
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

export function renderDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(title)}</title>
<style>${PAGE_CSS}</style>
<noscript><style>${NOSCRIPT_CSS}</style></noscript>
</head>
<body>
${body}
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** `fleet-proposals --input 'my dir'`: quoted the way a POSIX shell would accept it back. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function renderMeta(rows: readonly [string, string | Html][]): string {
  const items = rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${typeof v === 'string' ? e(v) : v.html}</dd>`);
  return `<dl class="meta">${items.join('')}</dl>`;
}

export interface Tile {
  label: string;
  value: string;
  /** a stable name tests and readers can address (data-total) */
  name: string;
}

/** `extra`: markup of further tiles (renderPriorityTile). */
export function renderTiles(tiles: readonly Tile[], extra = ''): string {
  return `<div class="tiles">${tiles.map((t) => `<div class="tile" data-total="${e(t.name)}"><div class="v">${e(t.value)}</div><div class="k">${e(t.label)}</div></div>`).join('')}${extra}</div>`;
}

/** One tile with the number of proposals per priority, each addressable as data-total="priority-NAME". */
export function renderPriorityTile(counts: readonly [string, number][]): string {
  const items = counts.map(([p, n]) => `<span data-total="priority-${e(p)}" title="${e(p)} priority">${priorityBadge(p)} ${formatNumber(n)}</span>`);
  return `<div class="tile"><div class="k">proposals by priority</div><div class="prios">${items.join('')}</div></div>`;
}

export function priorityBadge(priority: string): string {
  return `<span class="prio prio-${e(priority)}">${e(priority)}</span>`;
}

/**
 * One chart: `svg` comes from charts.ts (already escaped by the DOM serialiser); `marks` is
 * how many bars or points it draws, for readers of the markup and the tests' cross-checks.
 */
export function renderFigure(name: string, caption: string, svg: string | null, emptyText: string): string {
  const body = svg === null ? `<p class="empty">${e(emptyText)}</p>` : svg;
  return `<figure class="chart" data-chart="${e(name)}"><figcaption>${e(caption)}</figcaption>${body}</figure>`;
}

export interface Column {
  label: string;
  numeric?: boolean;
  /** short codes (kinds, types) that read badly when wrapped */
  nowrap?: boolean;
  /** the column that says what a row is (a key, an error): kept readable next to long paths */
  wide?: boolean;
  /** a CSS class for the column's cells */
  className?: string;
}

export interface Cell {
  /** markup for the cell (escape log strings with escapeHtml or use `text`) */
  html?: string;
  text?: string;
  /** numeric sort key */
  sort?: number;
}

export interface TableSpec {
  id: string;
  caption: string;
  columns: readonly Column[];
  rows: readonly { id?: string; cells: readonly Cell[] }[];
  /** rows before the cap, when rows were cut */
  totalRows?: number;
  /** what the reader should do to see the cut rows */
  capNote?: string;
  emptyText: string;
}

function renderCell(c: Cell, col: Column | undefined): string {
  const name = col?.numeric ? 'num' : col?.nowrap ? 'nowrap' : col?.wide ? 'wide' : col?.className;
  const cls = name === undefined ? '' : ` class="${name}"`;
  const sort = c.sort === undefined ? '' : ` data-sort="${Number.isFinite(c.sort) ? c.sort : 0}"`;
  return `<td${cls}${sort}>${c.html ?? e(c.text ?? '')}</td>`;
}

/** A table the inline script can sort, filter and page; complete without the script. */
export function renderTable(t: TableSpec): string {
  const id = e(t.id);
  if (t.rows.length === 0) return `<p class="empty" id="${id}">${e(t.emptyText)}</p>`;
  const head = t.columns.map((c) => `<th${c.numeric ? ' class="num"' : ''} scope="col"><button type="button">${e(c.label)}</button></th>`).join('');
  const body = t.rows
    .map(
      (r, i) =>
        `<tr${r.id === undefined ? '' : ` id="${e(r.id)}"`}${i >= PAGE_ROWS ? ' class="pg-out"' : ''}>${r.cells.map((c, i) => renderCell(c, t.columns[i])).join('')}</tr>`,
    )
    .join('\n');
  const cut =
    t.totalRows !== undefined && t.totalRows > t.rows.length
      ? `<p class="note" data-cap="${t.rows.length}" data-total-rows="${t.totalRows}">Showing the first ${formatNumber(t.rows.length)} of ${formatNumber(t.totalRows)} rows. ${e(t.capNote ?? '')}</p>`
      : '';
  return `${cut}<div class="tablebar" id="${id}-bar" hidden><input type="search" placeholder="Filter rows…" aria-label="Filter ${e(t.caption)}"><span class="count note"></span></div>
<div class="tablewrap"><table id="${id}" data-enhance><caption hidden>${e(t.caption)}</caption><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div>
<div class="pager" id="${id}-pager" hidden><button type="button" class="prev">‹ Previous</button><span class="pg note"></span><button type="button" class="next">Next ›</button></div>`;
}

export function renderSection(id: string, title: string, content: string): string {
  return `<section id="${e(id)}"><h2>${e(title)}</h2>${content}</section>`;
}

/** Thousands separators, fixed decimals: the same text on every machine (no locale). */
export function formatNumber(x: number, decimals = 0): string {
  if (!Number.isFinite(x)) return '∞';
  const [int, frac] = Math.abs(x).toFixed(decimals).split('.') as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (x < 0 && Number(x.toFixed(decimals)) !== 0 ? '-' : '') + grouped + (frac === undefined ? '' : '.' + frac);
}

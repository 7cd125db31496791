/**
 * Static SVG charts, drawn once when the page is built, with Observable Plot over
 * linkedom's server-side DOM (why Plot and not Vega: see the README, "HTML report").
 *
 * Determinism: Plot's class name is a constant per release (`plot-d6a7b5`), we use no
 * clip paths, gradients or other generated ids, and Plot measures no text (labels are
 * placed with the margins computed here from their length), so the same data gives the
 * same bytes on every run and machine.
 *
 * Every label is passed through `neutralize` and cut to LABEL_MAX code points; the full
 * text is in the mark's <title> (a tooltip). linkedom escapes text and attributes.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { neutralize, truncate } from './escape.js';

export const LABEL_MAX = 42;
/** 11px system-ui (Plot's default is 10px, small once the chart is scaled into a half-width column): ~6.5px per character. */
const CHAR_PX = 6.5;
const STYLE = { fontSize: '11px' };
const WIDTH = 640;

export interface Bar {
  label: string;
  value: number;
  /** a fragment link (`#finding-3`) to the rows behind this bar */
  href?: string;
  /** tooltip text; the label and value when absent */
  title?: string;
  /** a fill colour for this bar; the chart's colour when absent */
  color?: string;
}

export interface Point {
  /** ISO date (YYYY-MM-DD) */
  date: string;
  value: number;
}

export interface RangeRow {
  label: string;
  /** the two ends (median, p90), in the same unit */
  low: number;
  high: number;
  title?: string;
}

function newDocument() {
  return parseHTML('<!doctype html><html><body></body></html>').document;
}

function leftMargin(labels: readonly string[]): number {
  const longest = labels.reduce((m, l) => Math.max(m, Array.from(l).length), 0);
  return Math.min(LABEL_MAX * CHAR_PX + 12, Math.max(60, longest * CHAR_PX + 12));
}

/**
 * Plot emits coordinates like `599.9999999999999`: 2 decimals are plenty on a screen and
 * half the bytes. Only attribute values are touched: log text sits in text nodes.
 */
function tidy(svg: string): string {
  return svg.replace(/="([^"]*)"/g, (_m, v: string) => `="${v.replace(/(\d\.\d{2})\d+/g, '$1')}"`);
}

function serialize(el: unknown): string {
  return tidy((el as { outerHTML: string }).outerHTML);
}

/** One line: a newline in an axis label would print over the next bar. */
function label(s: string): string {
  return truncate(neutralize(s).replace(/\s+/g, ' '), LABEL_MAX);
}

/** Labels cut to the same text would share one band of the y scale: number the repeats. */
function distinct(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n === 1 ? l : `${l} (${n})`;
  });
}

/** Horizontal bars, one per item, in the given order. */
export function barChart(items: readonly Bar[], opts: { x: string; color?: string; format?: (v: number) => string }): string {
  const fmt = opts.format ?? ((v: number) => String(v));
  const names = distinct(items.map((b) => label(b.label)));
  const rows = items.map((b, i) => ({
    i,
    label: names[i]!,
    value: b.value,
    href: b.href ?? null,
    title: neutralize(b.title ?? `${b.label}: ${fmt(b.value)}`),
    color: b.color ?? opts.color ?? '#2563eb',
  }));
  const labels = rows.map((r) => r.label);
  const svg = Plot.plot({
    document: newDocument(),
    style: STYLE,
    width: WIDTH,
    height: Math.max(60, 22 * rows.length + 40),
    marginLeft: leftMargin(labels),
    marginRight: 48,
    x: { grid: true, label: opts.x, nice: true },
    y: { label: null, domain: labels },
    marks: [
      Plot.barX(rows, { x: 'value', y: 'label', fill: (d: (typeof rows)[number]) => d.color, href: 'href', title: 'title' }),
      Plot.text(rows, { x: 'value', y: 'label', text: (d: (typeof rows)[number]) => fmt(d.value), textAnchor: 'start', dx: 4 }),
      Plot.ruleX([0]),
    ],
  });
  return serialize(svg);
}

/** One line with a dot per point (weeks of the archive). */
export function lineChart(points: readonly Point[], opts: { y: string; color?: string; format?: (v: number) => string }): string {
  const fmt = opts.format ?? ((v: number) => String(v));
  const rows = points.map((p) => ({ date: new Date(`${p.date}T00:00:00Z`), value: p.value, title: `${p.date}: ${fmt(p.value)}` }));
  const color = opts.color ?? '#2563eb';
  const svg = Plot.plot({
    document: newDocument(),
    style: STYLE,
    width: WIDTH,
    height: 220,
    marginLeft: 56,
    x: { type: 'utc', label: null },
    y: { grid: true, label: opts.y, zero: true, nice: true },
    marks: [
      Plot.lineY(rows, { x: 'date', y: 'value', stroke: color }),
      Plot.dot(rows, { x: 'date', y: 'value', fill: color, r: 3, title: 'title' }),
      Plot.ruleY([0]),
    ],
  });
  return serialize(svg);
}

/** Per row a rule from `low` to `high` with a dot at each end (median and p90). */
export function rangeChart(
  items: readonly RangeRow[],
  opts: { x: string; lowName: string; highName: string; format?: (v: number) => string },
): string {
  const fmt = opts.format ?? ((v: number) => String(v));
  const names = distinct(items.map((r) => label(r.label)));
  const rows = items.map((r, i) => ({ label: names[i]!, low: r.low, high: r.high, full: neutralize(r.title ?? r.label) }));
  const dots = rows.flatMap((r) => [
    { label: r.label, value: r.low, which: opts.lowName, title: `${r.full}: ${opts.lowName} ${fmt(r.low)}` },
    { label: r.label, value: r.high, which: opts.highName, title: `${r.full}: ${opts.highName} ${fmt(r.high)}` },
  ]);
  const labels = rows.map((r) => r.label);
  const svg = Plot.plot({
    document: newDocument(),
    style: STYLE,
    width: WIDTH,
    height: Math.max(60, 22 * rows.length + 40),
    marginLeft: leftMargin(labels),
    x: { grid: true, label: opts.x, nice: true, zero: true },
    y: { label: null, domain: labels },
    color: { domain: [opts.lowName, opts.highName], range: ['#2563eb', '#dc2626'] },
    marks: [
      Plot.ruleY(rows, { y: 'label', x1: 'low', x2: 'high', stroke: '#94a3b8' }),
      Plot.dot(dots, { x: 'value', y: 'label', fill: 'which', r: 3.5, title: 'title' }),
    ],
  });
  return serialize(svg);
}

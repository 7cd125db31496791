import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { barChart, lineChart, rangeChart, LABEL_MAX } from '../../../src/report/html/charts.js';
import { truncate } from '../../../src/report/html/escape.js';
import { formatNumber, shellQuote } from '../../../src/report/html/page.js';

const svg = (s: string) => parseHTML(`<html><body>${s}</body></html>`).document;

describe(barChart.name, () => {
  it('draws one bar per item, in order, with a link and a tooltip each', () => {
    const d = svg(
      barChart(
        [
          { label: 'a', value: 2, href: '#r-1' },
          { label: 'b', value: 0 },
          { label: 'c', value: 1.5 },
        ],
        { x: 'hours' },
      ),
    );
    expect(d.querySelectorAll('g[aria-label="bar"] rect')).toHaveLength(3);
    expect([...d.querySelectorAll('g[aria-label="bar"] title')].map((t) => t.textContent)).toEqual(['a: 2', 'b: 0', 'c: 1.5']);
    expect(d.querySelector('g[aria-label="bar"] a')!.getAttribute('href')).toBe('#r-1');
  });

  it('labels that are cut to the same text still get a bar each', () => {
    const long = 'x'.repeat(LABEL_MAX + 10);
    const d = svg(
      barChart(
        [
          { label: long + '1', value: 1 },
          { label: long + '2', value: 2 },
        ],
        { x: 'n' },
      ),
    );
    const ticks = [...d.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => t.textContent);
    expect(ticks).toHaveLength(2);
    expect(new Set(ticks).size).toBe(2);
    expect(ticks[1]!.endsWith('(2)')).toBe(true);
  });

  it('a newline in a label is a space (one line per bar)', () => {
    const d = svg(barChart([{ label: 'a\nb', value: 1 }], { x: 'n' }));
    expect(d.querySelector('g[aria-label="y-axis tick label"] text')!.textContent).toBe('a b');
  });

  it('coordinates keep 2 decimals, text keeps its digits', () => {
    const out = barChart(
      [
        { label: 'v1.23456', value: 1 / 3 },
        { label: 'b', value: 1 },
      ],
      { x: 'n' },
    );
    expect(out).not.toMatch(/="[^"]*\d\.\d{3}/);
    expect(out).toContain('v1.23456');
  });
});

describe(lineChart.name, () => {
  it('one dot per week, one week included', () => {
    expect(svg(lineChart([{ date: '2025-06-02', value: 1 }], { y: 'h' })).querySelectorAll('g[aria-label="dot"] circle')).toHaveLength(1);
    expect(
      svg(
        lineChart(
          [
            { date: '2025-06-02', value: 1 },
            { date: '2025-06-09', value: 3 },
          ],
          { y: 'h' },
        ),
      ).querySelectorAll('g[aria-label="dot"] circle'),
    ).toHaveLength(2);
  });
});

describe(rangeChart.name, () => {
  it('two dots (median, p90) and one rule per row', () => {
    const d = svg(
      rangeChart(
        [
          { label: 'Bash', low: 1, high: 9 },
          { label: 'Read', low: 0.1, high: 0.2 },
        ],
        { x: 's', lowName: 'median', highName: 'p90' },
      ),
    );
    expect(d.querySelectorAll('g[aria-label="dot"] circle')).toHaveLength(4);
    expect(d.querySelectorAll('g[aria-label="rule"] line')).toHaveLength(2);
  });
});

describe('page helpers', () => {
  it.each([
    [0, 0, '0'],
    [1234567.891, 2, '1,234,567.89'],
    [-0.001, 2, '0.00'],
    [-1500, 0, '-1,500'],
    [Infinity, 1, '∞'],
  ] as const)('formatNumber(%s, %s) = %s', (x, d, want) => {
    expect(formatNumber(x, d)).toBe(want);
  });

  it('shellQuote quotes what a shell would split or expand', () => {
    expect(shellQuote(['fleet-proposals', '--input', 'my dir/a.json', "it's", '--format', 'html'])).toBe(
      `fleet-proposals --input 'my dir/a.json' 'it'\\''s' --format html`,
    );
  });

  it('truncate cuts at a code point, never inside a surrogate pair', () => {
    expect(truncate('😀😀😀', 2)).toBe('😀…');
    expect(truncate('abc', 3)).toBe('abc');
  });
});

/**
 * bench/html-open.ts — how long the HTML report takes to open in Chromium (issue 12: "opens in
 * under 2 s"), for fleet reports of 0, 1,000 and 10,000 findings (test/report/html/fleet-sample.ts)
 * and the seed page of fixtures/sample.
 *
 *   npx tsx bench/html-open.ts [--runs 7]
 *
 * Each page is written to a temporary file and opened from disk (file://) --runs times in one
 * browser, pages round-robin; per page: size, and the median of Navigation Timing's
 * domContentLoadedEventEnd and loadEventEnd (navigation start = 0; the browser's own start is
 * excluded). Needs /usr/bin/chromium or FP_CHROMIUM.
 *
 * Representative numbers (2026-12-01, Node 20.20, Chromium 156, 2 shared cores at load average
 * ~20, so read the ratios more than the absolute times): see the README's "HTML report".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { exitWithHelpIfAsked } from './_help.js';
import { renderFleetHtml } from '../src/report/html/index.js';
import { CHROMIUM, launchChromium } from '../test/browser/_browser.js';
import { runCli } from '../test/helpers.js';
import { manyFindings, smallFleetReport } from '../test/report/html/fleet-sample.js';

exitWithHelpIfAsked(import.meta.url);

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
if (CHROMIUM === undefined) process.exit(1);

const dir = mkdtempSync(join(tmpdir(), 'fp-html-open-'));
const ctx = { command: 'bench', inputs: [], generatedAt: 'now' };
const pages: [string, string][] = [
  ['fleet-0', renderFleetHtml({ ...smallFleetReport(), findings: [] }, ctx)],
  ['fleet-1000', renderFleetHtml(manyFindings(1000), ctx)],
  ['fleet-10000', renderFleetHtml(manyFindings(10_000), ctx)],
];
const seedOut = join(dir, 'seed-sample.html');
await runCli(['--input', 'fixtures/sample/sessions.json', '--format', 'html', '--output', seedOut, '--workers', '1', '--quiet']);

const files = pages.map(([name, html]) => {
  const f = join(dir, `${name}.html`);
  writeFileSync(f, html);
  return { name, file: f, bytes: Buffer.byteLength(html) };
});
files.push({ name: 'seed-sample', file: seedOut, bytes: 0 });

const browser = await launchChromium();
const times = new Map<string, { dcl: number[]; load: number[] }>(files.map((f) => [f.name, { dcl: [], load: [] }]));
for (let i = 0; i < runs; i++) {
  for (const f of files) {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(f.file).href, { waitUntil: 'load' });
    const t = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0] as unknown as { domContentLoadedEventEnd: number; loadEventEnd: number };
      return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd };
    });
    times.get(f.name)!.dcl.push(t.dcl);
    times.get(f.name)!.load.push(t.load);
    await page.close();
  }
}
await browser.close();
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`page            bytes   DOMContentLoaded ms   load ms   (median of ${runs})`);
for (const f of files) {
  const t = times.get(f.name)!;
  console.log(
    `${f.name.padEnd(14)} ${String(f.bytes || '-').padStart(8)}   ${median(t.dcl).toFixed(0).padStart(19)}   ${median(t.load).toFixed(0).padStart(7)}`,
  );
}

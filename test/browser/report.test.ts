/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The HTML report in a real Chromium: the pages of fixtures/sample and ../shared/realdata
 * (seed profile, through the CLI) and hand-made fleet reports up to 10,000 findings.
 * For each: no console error, no request leaves the page, every chart has its bars or
 * points, the totals equal the JSON report's, a table sorts and filters, the page prints.
 *
 * Open time: Navigation Timing (navigation start to the load event's end, the browser's
 * launch excluded) is asserted here only as a loose bound, OPEN_BOUND_MS = 4 x the issue's
 * 2 s, because this machine is shared (load average 20 on 2 cores measured while writing
 * this: the 10,000-finding page took 1.0 s to 4.3 s from one run to the next). The 2 s
 * target itself is measured by `npx tsx bench/html-open.ts` (median of several loads).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFleetHtml, type FleetReport } from '../../src/report/html/index.js';
import { chartedTools, errorsByCategory, FINDING_ROWS, TOP_CHARTED } from '../../src/report/html/fleet.js';
import { runCli } from '../helpers.js';
import { manyFindings, smallFleetReport } from '../report/html/fleet-sample.js';
import { CHROMIUM, launchChromium, openReport, type OpenedPage } from './_browser.js';

const REALDATA = join(import.meta.dirname, '../../../shared/realdata');
const OPEN_BOUND_MS = 4 * 2000;
const tmp = mkdtempSync(join(tmpdir(), 'fp-browser-'));
let browser: Browser;

if (!existsSync(REALDATA)) console.warn(`\n*** SKIPPING the realdata HTML page: ${REALDATA} does not exist. ***\n`);

beforeAll(async () => {
  if (CHROMIUM !== undefined) browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const bars = (page: Page, chart: string) => page.locator(`[data-chart="${chart}"] svg g[aria-label="bar"] rect`).count();
const dots = (page: Page, chart: string) => page.locator(`[data-chart="${chart}"] svg g[aria-label="dot"] circle`).count();
const tile = async (page: Page, name: string) => (await page.locator(`[data-total="${name}"]`).first().innerText()).replace(/\s+/g, ' ').trim();
const tileValue = async (page: Page, name: string) => (await page.locator(`[data-total="${name}"] .v`).innerText()).trim();

/** Sort keys of the visible rows' cell `col`. */
function visibleKeys(page: Page, table: string, col: number): Promise<number[]> {
  return page.$$eval(
    `#${table} tbody tr`,
    (rows, c) =>
      (rows as HTMLTableRowElement[]).filter((r) => getComputedStyle(r).display !== 'none').map((r) => Number(r.cells[c]!.getAttribute('data-sort'))),
    col,
  );
}

async function checkSortAndFilter(page: Page, table: string, col: number, header: string): Promise<void> {
  const before = await visibleKeys(page, table, col);
  await page.locator(`#${table} thead th`, { hasText: header }).locator('button').click();
  const desc = await visibleKeys(page, table, col);
  expect(desc).toEqual(desc.slice().sort((a, b) => b - a));
  await page.locator(`#${table} thead th`, { hasText: header }).locator('button').click();
  const asc = await visibleKeys(page, table, col);
  expect(asc).toEqual(asc.slice().sort((a, b) => a - b));
  expect(asc.length).toBe(Math.min(before.length, 50));
  // filter by the second column's text of the last row: every row containing it, and only those
  const query = (await page.locator(`#${table} tbody tr`).last().locator('td').nth(1).innerText()).trim().toLowerCase();
  const texts = await page.$$eval(`#${table} tbody tr`, (rows) => rows.map((r) => (r.textContent ?? '').toLowerCase()));
  const expected = texts.filter((t) => t.includes(query)).length;
  await page.locator(`#${table}-bar input`).fill(query);
  const shown = await page.$$eval(`#${table} tbody tr`, (rows) =>
    rows.filter((r) => !r.classList.contains('flt-out')).map((r) => (r.textContent ?? '').toLowerCase()),
  );
  expect(shown.length).toBe(expected);
  expect(shown.every((t) => t.includes(query))).toBe(true);
  expect(await page.locator(`#${table}-bar .count`).innerText()).toBe(
    `${expected.toLocaleString('en-US')} of ${texts.length.toLocaleString('en-US')} rows`,
  );
  await page.locator(`#${table}-bar input`).fill('');
}

/** `pdf: false` for the 10,000-finding page: 1,000 rows are ~40 printed pages (print media is checked on it instead). */
async function checkClean(o: OpenedPage, pdf = true): Promise<void> {
  expect(o.errors).toEqual([]);
  expect(o.requests).toEqual([]);
  expect(o.loadMs).toBeLessThan(OPEN_BOUND_MS);
  if (pdf) await checkPdf(o.page);
}

async function checkPdf(page: Page): Promise<void> {
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(10_000);
}

async function seedPage(
  name: string,
  input: string,
): Promise<{ o: OpenedPage; proposals: { estimated_weekly_hours_saved: number; estimated_monthly_hours_saved: number; priority: string }[] }> {
  const out = join(tmp, `${name}.html`);
  const run = await runCli(['--input', input, '--format', 'html', '--output', out, '--workers', '1', '--quiet']);
  expect(run.code).toBe(0);
  const json = await runCli(['--input', input, '--format', 'json', '--workers', '1', '--quiet']);
  return { o: await openReport(browser, readFileSync(out, 'utf8'), `${name}-page`, tmp), proposals: JSON.parse(json.stdout) };
}

async function checkSeed(name: string, input: string): Promise<void> {
  const { o, proposals } = await seedPage(name, input);
  const { page } = o;
  await checkClean(o);
  // totals: the JSON report's sums, with the Markdown report's one decimal
  expect(await tileValue(page, 'proposals')).toBe(String(proposals.length));
  expect(await tileValue(page, 'weekly-hours')).toBe(proposals.reduce((s, p) => s + p.estimated_weekly_hours_saved, 0).toFixed(1));
  expect(await tileValue(page, 'monthly-hours')).toBe(proposals.reduce((s, p) => s + p.estimated_monthly_hours_saved, 0).toFixed(1));
  for (const p of ['critical', 'high', 'medium', 'low'])
    expect(await tile(page, `priority-${p}`)).toBe(`${p.toUpperCase()} ${proposals.filter((x) => x.priority === p).length}`);
  expect(await page.locator('.card').count()).toBe(proposals.length);
  // charts: one bar per listed pattern (top 15), per pattern type present, per priority
  const rows = await page.locator('#findings tbody tr').count();
  const types = new Set(await page.$$eval('#findings tbody tr', (rs) => (rs as HTMLTableRowElement[]).map((r) => r.cells[1]!.textContent)));
  expect(await bars(page, 'hours-by-finding')).toBe(Math.min(15, rows));
  expect(await bars(page, 'hours-by-type')).toBe(types.size);
  expect(await bars(page, 'hours-by-priority')).toBe(4);
  // a bar leads to its row
  await page.locator('[data-chart="hours-by-finding"] svg a').first().click();
  expect(await page.evaluate(() => location.hash)).toBe('#pattern-1');
  await checkSortAndFilter(page, 'findings', 4, 'Hours');
  await page.close();
}

/** `html`: the page the CLI wrote for report `r` (default: rendered here from `r`). */
async function checkFleet(r: FleetReport, name: string, html?: string): Promise<OpenedPage> {
  const big = r.findings.length > 100;
  const o = await openReport(
    browser,
    html ??
      renderFleetHtml(r, { command: 'fleet-proposals --profile fleet --format html', inputs: ['logs/'], generatedAt: '2026-01-02T03:04:05.678Z' }),
    name,
    tmp,
  );
  const { page } = o;
  await checkClean(o, !big);
  const sumHours = r.totals?.hours_per_week ?? r.findings.reduce((s, f) => s + f.hours_per_week, 0);
  expect(await tileValue(page, 'hours-per-week')).toBe(sumHours.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  expect(await tileValue(page, 'cost-usd')).toBe(`$${r.cost.total_usd.toFixed(2)}`);
  expect(await tileValue(page, 'findings')).toBe(r.findings.length.toLocaleString('en-US'));
  for (const p of ['high', 'medium', 'low'])
    expect(await tile(page, `priority-${p}`)).toBe(
      `${p.toUpperCase()} ${r.findings.filter((f) => f.proposal.priority === p).length.toLocaleString('en-US')}`,
    );
  const weeks = r.weekly?.length ?? 0;
  expect(await bars(page, 'hours-by-finding')).toBe(Math.min(TOP_CHARTED, r.findings.length));
  expect(await dots(page, 'waste-per-week')).toBe(weeks);
  expect(await dots(page, 'cost-per-week')).toBe(weeks);
  expect(await bars(page, 'tool-error-rate')).toBe(chartedTools(r).length);
  expect(await dots(page, 'tool-time')).toBe(2 * chartedTools(r).filter((t) => t.measured_median_ms !== null).length);
  expect(await bars(page, 'error-categories')).toBe(errorsByCategory(r).length);
  expect(await bars(page, 'cost-by-repo')).toBe(Math.min(TOP_CHARTED, new Set(r.cost.repos.map((x) => x.repo)).size));
  expect(await bars(page, 'cost-by-model')).toBe(Math.min(TOP_CHARTED, r.cost.models.filter((m) => m.usd !== null).length));
  expect(await page.locator('#findings tbody tr').count()).toBe(Math.min(FINDING_ROWS, r.findings.length));
  return o;
}

describe.skipIf(CHROMIUM === undefined)('HTML report in Chromium', () => {
  it('seed: fixtures/sample', async () => {
    await checkSeed('sample', 'fixtures/sample/sessions.json');
  });

  it.skipIf(!existsSync(REALDATA))('seed: ../shared/realdata', async () => {
    await checkSeed('realdata', REALDATA);
  });

  it.skipIf(!existsSync(REALDATA))(
    'fleet: ../shared/realdata through the CLI, with a point per week of its span',
    async () => {
      const out = join(tmp, 'fleet-realdata.html');
      const run = await runCli(['--profile', 'fleet', '--input', REALDATA, '--format', 'html', '--output', out, '--workers', '1', '--quiet']);
      expect(run.code).toBe(0);
      const json = await runCli(['--profile', 'fleet', '--input', REALDATA, '--format', 'json', '--workers', '1', '--quiet']);
      const r = JSON.parse(json.stdout) as FleetReport;
      // 2025-01-20 to 2026-04-16: 65 Mondays; checkFleet counts one dot per week in both weekly charts
      expect(r.weekly).toHaveLength(65);
      const o = await checkFleet(r, 'fleet-realdata', readFileSync(out, 'utf8'));
      expect(await dots(o.page, 'waste-per-week')).toBe(65);
      // "Where to look first": a table per kind with the JSON's rows, each linking to its finding's row
      const lists = r.where_to_look_first ?? [];
      expect(lists.length).toBeGreaterThan(0);
      for (const l of lists) {
        const links = await o.page.locator(`#top-${l.kind} tbody tr a`).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        expect(links).toEqual(l.findings.map((n) => `#finding-${n}`));
      }
      const errors = lists.find((l) => l.kind === 'error_cluster')!;
      await o.page.locator('#top-error_cluster tbody tr a').first().click();
      expect(await o.page.evaluate(() => location.hash)).toBe(`#finding-${errors.findings[0]}`);
      expect(await o.page.locator(`#finding-${errors.findings[0]}`).innerText()).toContain('has no upstream branch');
      await o.page.close();
    },
    120_000,
  );

  it('fleet: a small hand-made report', async () => {
    const o = await checkFleet(smallFleetReport(), 'fleet-small');
    await checkSortAndFilter(o.page, 'findings', 7, 'h/week');
    await checkSortAndFilter(o.page, 'tools', 2, 'Calls');
    await o.page.close();
  });

  it("fleet: 10,000 findings, paged 50 rows at a time; a chart link opens the row's page", async () => {
    const r = manyFindings(10_000);
    const o = await checkFleet(r, 'fleet-10000');
    const { page } = o;
    const visible = () => page.$$eval('#findings tbody tr', (rows) => rows.filter((x) => getComputedStyle(x).display !== 'none').map((x) => x.id));
    expect(await visible()).toHaveLength(50);
    await page.locator('#findings-pager .next').click();
    expect((await visible())[0]).toBe('finding-51');
    await page.evaluate(() => (location.hash = '#finding-234'));
    await page.waitForFunction(() => getComputedStyle(document.getElementById('finding-234')!).display !== 'none');
    expect(await page.locator('#findings-pager .pg').innerText()).toBe('page 5 of 20');
    await checkSortAndFilter(page, 'findings', 7, 'h/week');
    // printed, every row of the capped table is on paper
    await page.emulateMedia({ media: 'print' });
    expect(await visible()).toHaveLength(FINDING_ROWS);
    await page.close();
  }, 180_000);

  it('works without its script: every row shown, no filter box, links still lead to rows', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const file = join(tmp, 'fleet-nojs.html');
    writeFileSync(file, renderFleetHtml(manyFindings(200), { command: 'x', inputs: [], generatedAt: 't' }));
    await page.goto(pathToFileURL(file).href);
    const shown = await page.$$eval('#findings tbody tr', (rows) => rows.filter((x) => getComputedStyle(x).display !== 'none').length);
    expect(shown).toBe(200);
    expect(await page.locator('#findings-bar').isVisible()).toBe(false);
    await page.locator('[data-chart="hours-by-finding"] svg a').nth(2).click();
    expect(await page.evaluate(() => location.hash)).toBe('#finding-3');
    await context.close();
  });

  it('0 and 1 findings', async () => {
    const none = await checkFleet({ ...smallFleetReport(), findings: [], weekly: [] }, 'fleet-0');
    expect(await none.page.locator('#findings').innerText()).toContain('No findings');
    await none.page.close();
    const one = await checkFleet({ ...smallFleetReport(), findings: smallFleetReport().findings.slice(0, 1) }, 'fleet-1');
    await one.page.close();
  });
});

/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * A real Chromium for the HTML report's tests, driven by playwright-core (no browser
 * download: the Debian `chromium` package, installed by .ci/run when missing).
 *
 * - FP_CHROMIUM=/path picks another binary; without one the browser tests are skipped
 *   with a warning on stderr, never silently.
 * - FP_SCREENSHOTS=DIR saves a full-page PNG of every page opened (for review; the
 *   README's docs/report.png is one of them).
 *
 * Pages open from disk (file://), as a reader opens them. Every request the page makes
 * besides itself (a script, a font, an image, a fetch) is recorded, and any network
 * request is aborted: the tests assert there are none. (Serving the page through
 * interception instead was measured 5x slower to load for a 1 MB page: CDP round trips.)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM: string | undefined = [process.env['FP_CHROMIUM'], ...CANDIDATES].find(
  (p): p is string => p !== undefined && p !== '' && existsSync(p),
);

if (CHROMIUM === undefined) {
  console.warn(
    '\n*** SKIPPING the HTML report browser tests: no Chromium found (looked at FP_CHROMIUM and ' +
      CANDIDATES.join(', ') +
      '). Install it with `apt-get install -y chromium` (.ci/run does). ***\n',
  );
}

/** The flags that work in a container without a GPU, a sandbox or a network. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Playwright gives every launch a fresh temporary profile (its own --user-data-dir). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM!, args: FLAGS, timeout: 30_000 });
}

export interface OpenedPage {
  page: Page;
  /** console errors and uncaught exceptions */
  errors: string[];
  /** every request but the page itself */
  requests: string[];
  /** navigation start to the load event's end, as the page's Navigation Timing reports it */
  loadMs: number;
}

/** Write `html` to `dir/name.html` and open it. */
export async function openReport(browser: Browser, html: string, name: string, dir: string): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.route(/^(https?|wss?|ftp):/, (route) => route.abort());
  await page.goto(url, { waitUntil: 'load' });
  const loadMs = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return nav.loadEventEnd - nav.startTime;
  });
  const shots = process.env['FP_SCREENSHOTS'];
  if (shots) {
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  }
  return { page, errors, requests, loadMs };
}

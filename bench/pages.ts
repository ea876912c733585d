// `npm run bench:pages`: opens every page of observablehq.config.ts in Chromium
// (the browser tests' launch(), so the same Chromium) against the built site and
// prints, per page and run: bytes fetched before any interaction, time from
// navigation to the first chart, the longest main-thread task while loading, and
// the longest task during the page's default run (its Run button, if it has one).
// Builds are assumed done (`npm run build`); SITE_DIST picks another build.
//   npm run bench:pages                    3 runs of every page
//   npm run bench:pages -- --runs 5 /lab   5 runs of /lab only
import type {Browser, Page} from "playwright-core";
import {gzipSync} from "node:zlib";
import {assertBuilt, distDir, launch} from "../test/e2e/browser.ts";
import {configuredPages} from "../test/e2e/pages.ts";
import {serve} from "../test/e2e/serve.ts";

/** One page load: what the reader pays before they can interact, and how smooth it was. */
interface PageSample {
  bytes: number;
  gzipBytes: number;
  requests: number;
  firstChartMs: number | null;
  longestLoadTaskMs: number;
  longestRunTaskMs: number | null;
  runMs: number | null;
}

// Runs in the page before any of its scripts: long tasks and the first chart's time,
// both on the page's own clock (performance.now() counts from navigation start).
// A string, not a function: tsx would wrap named functions in a helper the page lacks.
const probe = `
  const state = {tasks: [], firstChart: null};
  window.__bench = state;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) state.tasks.push({start: entry.startTime, duration: entry.duration});
  }).observe({type: "longtask", buffered: true});
  // A chart is an SVG drawn by Plot (class "plot-…") or a canvas in the main column.
  const selector = '#observablehq-main svg[class^="plot"], #observablehq-main figure svg, #observablehq-main canvas';
  const watch = new MutationObserver(() => {
    if (state.firstChart === null && document.querySelector(selector)) {
      state.firstChart = performance.now();
      watch.disconnect();
    }
  });
  watch.observe(document, {childList: true, subtree: true});
`;

type BenchState = {tasks: {start: number; duration: number}[]; firstChart: number | null};
const readState = (page: Page) => page.evaluate(() => (window as unknown as {__bench: BenchState}).__bench);
const longest = (tasks: {duration: number}[]) => tasks.reduce((max, task) => Math.max(max, task.duration), 0);

/** The page's default run: the lab's and the intrinsic-rank page's Run, else the first plain "Run" outside live cells. */
const runButton = '#lab-run, .rank-run, #observablehq-main button:text-is("Run"):not(.live-cell-run)';

/** Waits until no cell is loading and the network has been quiet, then a further second for late tasks. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll("#observablehq-main .observablehq--loading, #observablehq-main observablehq-loading").length === 0, undefined, {timeout: 120_000});
  await page.waitForLoadState("networkidle", {timeout: 120_000});
  await page.waitForTimeout(1000);
}

async function measure(browser: Browser, origin: string, path: string): Promise<PageSample> {
  const context = await browser.newContext({viewport: {width: 1280, height: 900}});
  await context.addInitScript({content: probe});
  let bytes = 0, gzipBytes = 0, requests = 0, counting = true;
  // Every response the page or its workers fetch, headers included, until the reader would first interact.
  context.on("requestfinished", async (request) => {
    if (!counting) return;
    requests++;
    const sizes = await request.sizes().catch(() => null);
    if (sizes && counting) bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    // What a static host that gzips (GitHub Pages, Netlify, any nginx) would send for the same body.
    const body = await request.response().then((response) => response?.body()).catch(() => null);
    if (sizes && body && counting) gzipBytes += gzipSync(body).length + sizes.responseHeadersSize;
  });
  const page = await context.newPage();
  try {
    await page.goto(origin + path, {waitUntil: "load", timeout: 120_000});
    await settle(page);
    counting = false;
    const loaded = await readState(page);
    const sample: PageSample = {bytes, gzipBytes, requests, firstChartMs: loaded.firstChart, longestLoadTaskMs: longest(loaded.tasks), longestRunTaskMs: null, runMs: null};
    const button = page.locator(runButton).first();
    if (await button.count() && await button.isEnabled()) {
      const before = loaded.tasks.length;
      const started = Date.now();
      const handle = await button.elementHandle();
      await button.click();
      // A run disables its button while it trains and enables it again when it ends.
      await page.waitForFunction((node) => (node as HTMLButtonElement).disabled, handle, {timeout: 10_000, polling: 20}).catch(() => undefined);
      await page.waitForFunction((node) => !(node as HTMLButtonElement).disabled, handle, {timeout: 300_000, polling: 100});
      sample.runMs = Date.now() - started;
      await page.waitForTimeout(1000); // the last redraw after the run
      sample.longestRunTaskMs = longest((await readState(page)).tasks.slice(before));
    }
    return sample;
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const range = (values: (number | null)[], format: (v: number) => string) => {
  const present = values.filter((v): v is number => v !== null);
  if (!present.length) return "—";
  const low = Math.min(...present), high = Math.max(...present);
  return `${format(median(present))} (${format(low)}–${format(high)})`;
};
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
const ms = (value: number) => `${Math.round(value)} ms`;

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a whole number of runs, 1 or more");
const wanted = args.filter((arg) => arg.startsWith("/"));
const pages = configuredPages().filter(({path}) => !wanted.length || wanted.includes(path));

await assertBuilt();
const {server, origin} = await serve(distDir);
const browser = await launch();
const version = browser.version();
const results: {name: string; path: string; samples: PageSample[]}[] = [];
try {
  for (const {name, path} of pages) {
    const samples: PageSample[] = [];
    // Runs of one page back to back; a noisy neighbour shows as a wide range.
    for (let run = 0; run < runs; run++) {
      samples.push(await measure(browser, origin, path));
      process.stderr.write(".");
    }
    results.push({name, path, samples});
  }
} finally {
  await browser.close();
  server.close();
}
process.stderr.write("\n");

const of = (samples: PageSample[], key: keyof PageSample) => samples.map((sample) => sample[key]);
const lines = [
  `Pages of ${distDir}/ in headless Chromium (${version}), ${runs} run(s) each, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`,
  "Median (min–max). Bytes: every response before interaction, headers included, uncompressed (the local server does not gzip); gzipped: the same bodies through gzip, as a static host that compresses sends them.",
  "",
  "| page | bytes before interaction | gzipped | requests | first chart | longest task, load | longest task, default run | run time |",
  "|---|---|---|---|---|---|---|---|",
  ...results.map(({path, samples}) => `| ${path} | ${range(of(samples, "bytes"), kb)} | ${range(of(samples, "gzipBytes"), kb)} | ${median(of(samples, "requests") as number[])} | ${range(of(samples, "firstChartMs"), ms)} | ${range(of(samples, "longestLoadTaskMs"), ms)} | ${range(of(samples, "longestRunTaskMs"), ms)} | ${range(of(samples, "runMs"), (v) => `${(v / 1000).toFixed(1)} s`)} |`)
];
console.log(lines.join("\n"));

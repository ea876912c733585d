// Shared harness for the browser tests: a local Chromium driven by playwright-core
// (never a downloaded one), a page opened with every console error, page error,
// failed request and external request recorded, and a screenshot kept on failure.
import {chromium, type Browser, type Locator, type Page} from "playwright-core";
import {afterAll, beforeAll} from "vitest";
import {serve} from "./serve.ts";
import {access, constants, mkdir} from "node:fs/promises";
import {dirname, join} from "node:path";

/** Debian's Chromium, used when present unless LORA_NO_SYSTEM_CHROMIUM=1 hides it. */
const systemChromium = "/usr/bin/chromium";

const isExecutable = (path: string) => access(path, constants.X_OK).then(() => true, () => false);

/**
 * Finds a Chromium without any manual step: CHROMIUM_PATH if it is an executable, else
 * Debian's /usr/bin/chromium, else the one inside the npm package @sparticuz/chromium
 * (installed by `npm ci`; decompressed to the temp folder on first use, fonts included).
 */
export async function findChromium(): Promise<{path: string; source: string; env: Record<string, string>}> {
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted && (await isExecutable(wanted))) return {path: wanted, source: "CHROMIUM_PATH", env: {}};
  if (process.env.LORA_NO_SYSTEM_CHROMIUM !== "1" && (await isExecutable(systemChromium))) {
    return {path: systemChromium, source: "system", env: {}};
  }
  const {default: packaged} = await import("@sparticuz/chromium");
  const path = await packaged.executablePath();
  // Its fonts are unpacked beside it; fontconfig finds them only through this variable.
  return {path, source: "@sparticuz/chromium", env: {FONTCONFIG_PATH: join(dirname(path), "fonts")}};
}

/** The built site under test; SITE_DIST overrides (matches SITE_OUTPUT at build time). */
export const distDir = process.env.SITE_DIST ?? process.env.SITE_OUTPUT ?? "dist";

/** Fails fast with a clear message when the site has not been built. */
export async function assertBuilt(): Promise<void> {
  if (!(await access(`${distDir}/index.html`).then(() => true, () => false))) {
    throw new Error(`${distDir}/index.html is missing: run \`npm run build\` before the browser tests`);
  }
}

/** The served site and the browser one test file shares. */
export interface Site {
  browser: Browser;
  origin: string;
}

/**
 * Registers a test file's hooks: check dist/ is built, serve it on 127.0.0.1 and
 * start Chromium before the tests; close both after. `ready` receives them.
 */
export function useSite(ready: (site: Site) => void): void {
  let site: (Site & {close: () => void}) | undefined;
  beforeAll(async () => {
    await assertBuilt();
    const {server, origin} = await serve(distDir);
    const browser = await launch().catch((error) => {
      server.close();
      throw error;
    });
    site = {browser, origin, close: () => server.close()};
    ready(site);
  });
  afterAll(async () => {
    await site?.browser.close();
    site?.close();
  });
}

let announced = false;

/** Launches headless Chromium with the flags this closed network needs. */
export async function launch(): Promise<Browser> {
  const found = await findChromium();
  if (!announced) console.info(`browser tests: Chromium ${found.path} (from ${found.source})`);
  announced = true;
  try {
    return await chromium.launch({
      executablePath: found.path,
      env: {...process.env, ...found.env} as Record<string, string>,
      headless: true,
      // Background networking, sync and component updates would try to reach
      // Google's hosts; this machine refuses them, and they are not the site's requests.
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    });
  } catch (error) {
    throw new Error(`Could not start Chromium at ${found.path} (from ${found.source}; set CHROMIUM_PATH to another): ${(error as Error).message}`);
  }
}

/** What went wrong on a page, collected while it loads and runs. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  externalRequests: string[];
}

/** How a page is viewed: the window's size and the reader's light or dark setting. */
export interface ViewOptions {
  viewport?: {width: number; height: number};
  colorScheme?: "light" | "dark";
}

/** Opens origin+path in a fresh context, recording problems; external requests are blocked and recorded. */
export async function openPage(browser: Browser, origin: string, path: string, {viewport = {width: 1280, height: 900}, colorScheme = "light"}: ViewOptions = {}): Promise<{page: Page; problems: PageProblems}> {
  const context = await browser.newContext({viewport, colorScheme});
  const problems: PageProblems = {consoleErrors: [], pageErrors: [], failedRequests: [], externalRequests: []};
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    problems.externalRequests.push(url);
    return route.abort("blockedbyclient");
  });
  await context.addInitScript(recordLongTasks);
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => problems.pageErrors.push(error.message));
  page.on("requestfailed", (request) => {
    if (!problems.externalRequests.includes(request.url())) {
      problems.failedRequests.push(`${request.url()} (${request.failure()?.errorText})`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.failedRequests.push(`${response.url()} (HTTP ${response.status()})`);
  });
  await page.goto(origin + path, {waitUntil: "load"});
  return {page, problems};
}

// Runs in every opened page before its scripts: main-thread tasks over 50 ms, as the browser reports them.
const recordLongTasks = () => {
  const tasks: number[] = [];
  (window as unknown as {__longTasks: number[]}).__longTasks = tasks;
  new PerformanceObserver((list) => tasks.push(...list.getEntries().map((entry) => entry.duration))).observe({type: "longtask", buffered: true});
};

/** The durations (ms) of the main-thread tasks over 50 ms since the page opened. */
export async function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as {__longTasks: number[]}).__longTasks ?? []);
}

/** Waits until Framework has no cell still loading in the main column. */
export async function waitForCells(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll("#observablehq-main .observablehq--loading, #observablehq-main observablehq-loading").length === 0, undefined, {timeout});
  await page.waitForLoadState("networkidle", {timeout});
}

/** The text of every cell that rendered an error (Framework marks them observablehq--error). */
export async function cellErrors(page: Page): Promise<string[]> {
  return page.locator(".observablehq--error").allTextContents();
}

/** Saves a full-page screenshot under test-results/ (git-ignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join("test-results", "screenshots");
  await mkdir(dir, {recursive: true});
  const path = join(dir, `${name.replace(/[^\w-]+/g, "_") || "index"}.png`);
  await page.screenshot({path, fullPage: true});
  return path;
}

/** A readable list of every problem, empty when the page is clean. */
export function describeProblems(problems: PageProblems, errors: string[]): string[] {
  return [
    ...problems.consoleErrors.map((e) => `console error: ${e}`),
    ...problems.pageErrors.map((e) => `page error: ${e}`),
    ...problems.failedRequests.map((e) => `failed request: ${e}`),
    ...problems.externalRequests.map((e) => `external request (the site must stay on its own origin): ${e}`),
    ...errors.map((e) => `cell error (observablehq--error): ${e}`)
  ];
}

/**
 * Focuses a live cell's code the way a reader does (a click) and waits until the
 * CodeMirror editor, which loads on that first focus, is there and holds the focus.
 */
export async function focusEditor(cell: Locator): Promise<void> {
  await cell.locator(".live-cell-editor").click();
  await cell.locator(".cm-content").waitFor();
  await cell.page().waitForFunction((element) => element.contains(document.activeElement) && document.activeElement?.classList.contains("cm-content"), await cell.elementHandle());
}

// "Where to put LoRA" in real Chromium: the build-time tables are on the page at once,
// a live rerun of a few Table 5 runs reproduces the build's losses for the same seeds
// (same lib, same seed, Node vs the browser), and Stop ends a full rerun early with
// the page still usable. WHERE_FULL=1 also times the whole default Table 5 rerun.
import {expect, test} from "vitest";
import type {Browser, Page} from "playwright-core";
import {cellErrors, describeProblems, openPage, screenshot, useSite, waitForCells} from "./browser.ts";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

async function withPage(name: string, path: string, body: (page: Page) => Promise<void>): Promise<void> {
  const {page, problems} = await openPage(browser, origin, path);
  try {
    await waitForCells(page);
    await body(page);
    expect(describeProblems(problems, await cellErrors(page))).toEqual([]);
  } catch (error) {
    const shot = await screenshot(page, `where-${name}`);
    throw new Error(`${(error as Error).message}\nscreenshot: ${shot}`);
  } finally {
    await page.context().close();
  }
}

/** Clicks Run, waits for a final status; returns it, the wall time and every live row. */
async function rerun(page: Page, timeout: number) {
  await page.click("#where-run");
  await page.waitForSelector('#where-status:not([data-status="running"]):not([data-status="idle"])', {timeout});
  const status = page.locator("#where-status");
  const rows = await page.locator("tr[data-run]").evaluateAll((trs) => trs.map((tr) => ({
    id: tr.getAttribute("data-run"), live: Number(tr.getAttribute("data-live-loss")), build: Number(tr.getAttribute("data-build-loss"))
  })));
  return {status: await status.getAttribute("data-status"), wallMs: Number(await status.getAttribute("data-wall-ms")), rows};
}

test("a live rerun of three Table 5 runs reproduces the build-time losses of the same seeds", () =>
  withPage("subset", "/where?table=table5&rows=q%2Cqv%2Cmlp&seeds=1&steps=64", async (page) => {
    expect(await page.locator("#where-claims, table").count()).toBeGreaterThan(0);
    // The base weights are fetched by the first Run, not with the page (432 KB less before interaction).
    const weights = () => page.evaluate(() => performance.getEntriesByType("resource").filter((entry) => /\/data\/where\/base\.[\w]+\.safetensors$/.test(entry.name)).length);
    expect(await weights()).toBe(0);
    const {status, wallMs, rows} = await rerun(page, 240_000);
    expect(await weights()).toBe(1);
    console.log(`where: 3 live runs in ${(wallMs / 1000).toFixed(1)} s; ${rows.map((r) => `${r.id} live ${r.live.toFixed(5)} build ${r.build.toFixed(5)}`).join("; ")}`);
    expect(status).toBe("done");
    expect(rows.map((r) => r.id).sort()).toEqual(["table5:mlp:1", "table5:q:1", "table5:qv:1"]);
    for (const {live, build} of rows) {
      expect(build).toBeGreaterThan(0);
      expect(Math.abs(live - build)).toBeLessThan(1e-4); // same code and seed: equal up to float rounding
    }
    expect(page.url()).toContain("rows=q%2Cqv%2Cmlp");
  }), 300_000);

test("Stop ends a full Table 5 rerun early and the page can run again", () =>
  withPage("stop", "/where", async (page) => {
    await page.click("#where-run");
    await expect.poll(() => page.locator("#where-status").getAttribute("data-status")).toBe("running");
    await page.waitForFunction(() => [...document.querySelectorAll(".where-bars progress")].some((p) => (p as HTMLProgressElement).value > 0.1), null, {timeout: 60_000});
    const clicked = Date.now();
    await page.click("#where-stop");
    await expect.poll(() => page.locator("#where-status").getAttribute("data-status"), {timeout: 10_000}).toBe("stopped");
    console.log(`where: stopped ${Date.now() - clicked} ms after the click`);
    expect(await page.locator("tr[data-run]").count()).toBeLessThan(27);
    expect(await page.locator("#where-run").isDisabled()).toBe(false);
    expect(await page.locator("#where-stop").isDisabled()).toBe(true);
  }), 120_000);

test.runIf(process.env.WHERE_FULL === "1")("the whole default Table 5 reruns live (timed)", () =>
  withPage("full", "/where", async (page) => {
    const {status, wallMs, rows} = await rerun(page, 1_200_000);
    const workers = await page.locator(".where-bars progress").count();
    console.log(`where: default Table 5 live rerun, ${rows.length} runs, ${workers} worker(s): ${(wallMs / 1000).toFixed(1)} s`);
    expect(status).toBe("done");
    expect(rows.length).toBe(27);
    for (const {live, build} of rows) expect(Math.abs(live - build)).toBeLessThan(1e-4);
  }), 1_300_000);

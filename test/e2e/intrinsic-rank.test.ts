// The "Intrinsic rank" page in real Chromium: the build-time results show at once,
// a live run of the defaults in the Web Worker finds the elbow at the planted k,
// every φ shown is in [0, 1], Stop ends a run mid-way, and bad settings get a
// message beside their control instead of a NaN chart.
import {describe, expect, test} from "vitest";
import type {Browser, Page} from "playwright-core";
import {cellErrors, describeProblems, openPage, screenshot, useSite, waitForCells} from "./browser.ts";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

interface Shown {
  source: "build" | "live";
  settings: {plantedRank: number; size: number; noise: number; seed: number};
  elbow: number;
  phi: Record<"figure3" | "figure4Seeds" | "figure4Random", number[][]>;
}

const shown = async (page: Page): Promise<Shown> => JSON.parse((await page.locator("#rank-results").textContent()) ?? "null");
const state = (page: Page) => page.locator(".rank-panel").getAttribute("data-state");

async function open(): Promise<{page: Page; problems: Awaited<ReturnType<typeof openPage>>["problems"]}> {
  const opened = await openPage(browser, origin, "/intrinsic-rank");
  await waitForCells(opened.page);
  return opened;
}

describe("Intrinsic rank", () => {
  test("shows the build-time run at once, then a live run of the defaults finds the elbow at k with every φ in [0, 1]", async () => {
    const {page, problems} = await open();
    try {
      const before = await shown(page);
      expect(before.source).toBe("build");
      expect(before.elbow).toBe(before.settings.plantedRank);

      await page.click("button.rank-run");
      await expect.poll(() => state(page), {timeout: 120_000, interval: 250}).toBe("done");
      const after = await shown(page);
      expect(after.source).toBe("live");
      const k = Number(await page.locator("#rank-setting-plantedRank").inputValue());
      expect(after.settings.plantedRank).toBe(k);
      expect(after.elbow).toBe(k);
      expect(await page.locator("#rank-elbow").getAttribute("data-elbow")).toBe(String(k));

      const {figure3, figure4Seeds, figure4Random} = after.phi;
      expect([figure3.length, figure3[0].length, figure4Seeds.length, figure4Random[0].length]).toEqual([8, 64, 64, 64]);
      const all = [figure3, figure4Seeds, figure4Random].flatMap((grid) => grid.flat());
      expect(all.length).toBe(8 * 64 + 2 * 64 * 64);
      expect(all.filter((phi) => !(phi >= 0 && phi <= 1))).toEqual([]);
      // The live run reproduces the build-time run: same seeded code in the worker and the loader.
      expect(figure3[0][0]).toBeCloseTo(before.phi.figure3[0][0], 3);

      const status = (await page.locator(".rank-status").textContent()) ?? "";
      console.log(`intrinsic-rank: default live run — ${status}`);
      expect(await page.locator("#observablehq-main").textContent()).not.toMatch(/\bNaN\b/);
      const messages = describeProblems(problems, await cellErrors(page));
      const shot = messages.length ? await screenshot(page, "intrinsic-rank-live") : "";
      expect(messages, `screenshot: ${shot}`).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  test("Stop ends a run mid-way and keeps the previous results", async () => {
    const {page} = await open();
    try {
      await page.click("button.rank-run");
      await expect.poll(() => page.locator(".rank-progress").evaluate((bar: HTMLProgressElement) => bar.value), {timeout: 30_000, interval: 50}).toBeGreaterThan(0.02);
      await page.click("button.rank-stop");
      await expect.poll(() => state(page), {timeout: 5_000, interval: 50}).toBe("stopped");
      const stoppedAt = await page.locator(".rank-progress").evaluate((bar: HTMLProgressElement) => bar.value);
      expect(stoppedAt).toBeLessThan(1);
      expect(await page.locator(".rank-status").textContent()).toMatch(/Stopped at \d+%/);
      // Nothing arrives after Stop: the bar stays put and the charts keep the build-time run.
      await page.waitForTimeout(1_000);
      expect(await page.locator(".rank-progress").evaluate((bar: HTMLProgressElement) => bar.value)).toBe(stoppedAt);
      expect((await shown(page)).source).toBe("build");
      expect(await page.locator("button.rank-run").isEnabled()).toBe(true);
    } finally {
      await page.context().close();
    }
  });

  test("bad settings get a message beside their control, Run is disabled, and nothing shows NaN", async () => {
    const {page} = await open();
    try {
      await page.fill("#rank-setting-size", "8");
      await page.fill("#rank-setting-plantedRank", "12");
      await expect(page.locator("#rank-setting-plantedRank-message").textContent()).resolves.toMatch(/at most d = 8/);
      expect(await page.locator("button.rank-run").isDisabled()).toBe(true);
      await page.fill("#rank-setting-noise", "-0.5");
      await expect(page.locator("#rank-setting-noise-message").textContent()).resolves.toMatch(/cannot be negative/);
      await page.fill("#rank-setting-noise", "");
      await expect(page.locator("#rank-setting-noise-message").textContent()).resolves.toMatch(/must be a number/);
      expect(await page.locator("#observablehq-main").textContent()).not.toMatch(/\bNaN\b/);
      // Fixing them clears the messages and enables Run again.
      await page.fill("#rank-setting-plantedRank", "3");
      await page.fill("#rank-setting-noise", "0.05");
      expect(await page.locator("#rank-setting-plantedRank-message").textContent()).toBe("");
      expect(await page.locator("button.rank-run").isEnabled()).toBe(true);
    } finally {
      await page.context().close();
    }
  });
});

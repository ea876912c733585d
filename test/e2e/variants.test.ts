// The Variants page in real Chromium: the build-time comparison shows at once; the default
// comparison reruns live, one worker per method, and every method trains (loss falls, no NaN);
// the merge-into-NF4 demo shows a non-zero output change that grows with ΔW.
import {describe, expect, test} from "vitest";
import type {Browser, Page} from "playwright-core";
import {cellErrors, describeProblems, openPage, screenshot, useSite, waitForCells} from "./browser.ts";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

interface Shown {
  source: "build" | "live";
  status: string;
  runs: {id: string; first: number; last: number; points: number; finite: boolean; status: string | null}[];
}
const shown = async (page: Page): Promise<Shown> => JSON.parse((await page.locator("#variants-results").textContent()) ?? "null");
const methods = ["lora", "rslora", "loraplus", "dora", "pissa", "vera", "nf4", "full"];

describe("Variants", () => {
  test("the default comparison runs live and every method trains: the loss falls and nothing is NaN", async () => {
    const {page, problems} = await openPage(browser, origin, "/variants");
    try {
      await waitForCells(page);
      const before = await shown(page);
      expect(before.source).toBe("build");
      expect(before.runs.map((r) => r.id)).toEqual(methods);

      await page.click("#compare-run");
      await expect.poll(() => page.locator("#compare-status").getAttribute("data-status"), {timeout: 300_000, interval: 500}).toBe("done");
      await expect.poll(async () => (await shown(page)).status, {timeout: 10_000}).toBe("done");
      const after = await shown(page);
      expect(after.source).toBe("live");
      expect(after.runs.map((r) => r.id)).toEqual(methods);
      for (const run of after.runs) {
        expect(run.status, run.id).toBe("done");
        expect(run.points, run.id).toBe(300);
        expect(run.finite, run.id).toBe(true);
        expect(run.last, run.id).toBeLessThan(run.first);
      }
      console.log(`variants: live comparison — ${await page.locator("#compare-status").textContent()}`);
      expect(await page.locator("#observablehq-main").textContent()).not.toMatch(/\bNaN\b/);
      const messages = describeProblems(problems, await cellErrors(page));
      const shot = messages.length ? await screenshot(page, "variants-live") : "";
      expect(messages, `screenshot: ${shot}`).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 360_000);

  test("merging into NF4 changes the outputs by a non-zero amount that grows with ΔW", async () => {
    const {page} = await openPage(browser, origin, "/variants");
    try {
      await waitForCells(page);
      const rows: {relativeDelta: number; outputChange: number; kept: number}[] = JSON.parse((await page.locator("#merge-results").textContent()) ?? "[]");
      expect(rows.length).toBeGreaterThan(4);
      for (const row of rows) expect(row.outputChange).toBeGreaterThan(0);
      for (let i = 1; i < rows.length; i++) expect(rows[i].outputChange, `size ${rows[i].relativeDelta}`).toBeGreaterThan(rows[i - 1].outputChange);
      // The smallest update is lost in re-quantisation; the largest survives.
      expect(rows[0].kept).toBeLessThan(0.5);
      expect(rows.at(-1)!.kept).toBeGreaterThan(0.9);
    } finally {
      await page.context().close();
    }
  }, 120_000);
});

// Live cells outside the playground, where the code is the lesson: the LoRA layer on
// the pocket reference, the hand-written training loop on the lab, the subspace
// similarity analysis on the intrinsic-rank page. Each cell's original code runs in
// the built page without error and shows its output; pages without live cells never
// load the editor.
import {describe, expect, test} from "vitest";
import type {Browser, Locator, Page} from "playwright-core";
import {cellErrors, describeProblems, openPage, screenshot, useSite, waitForCells} from "./browser.ts";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

/** Opens a page, waits for its cells and `cellId`'s editor, runs `body`, and fails on any page problem. */
async function withCell(path: string, cellId: string, body: (page: Page, cell: Locator) => Promise<void>): Promise<void> {
  const {page, problems} = await openPage(browser, origin, path);
  try {
    await waitForCells(page);
    const cell = page.locator(`#cell-${cellId}`);
    expect(await cell.count(), `exactly one cell with id ${cellId}`).toBe(1);
    await cell.locator(".live-cell-editor").waitFor();
    await body(page, cell);
    expect(describeProblems(problems, await cellErrors(page)), path).toEqual([]);
  } catch (error) {
    console.error(`screenshot: ${await screenshot(page, `page-cells-${cellId}`)}`);
    throw error;
  } finally {
    await page.context().close();
  }
}

/** Presses Run, waits for the run to end, and checks it ended well with no error shown; returns the output. */
async function runOriginal(cell: Locator, {autorun = false, timeout = 30_000} = {}): Promise<Locator> {
  const output = cell.locator(".live-cell-output");
  const status = cell.locator(".live-cell-status");
  if (autorun) {
    // An instant cell runs its original code on load; then the reader's Run repeats it.
    await expect.poll(() => status.textContent(), {timeout}).toMatch(/^Done in/);
  } else {
    // Nothing runs on load: the original code waits for Run.
    expect(await output.textContent()).toContain("Press Run");
  }
  await cell.locator(".live-cell-run").click();
  await expect.poll(() => status.textContent(), {timeout}).toMatch(/^(Done|Stopped|The sandbox failed)/);
  expect(await status.textContent()).toMatch(/^Done in/);
  expect(await output.locator(".live-cell-error").count(), (await output.textContent()) ?? "").toBe(0);
  return output;
}

/** The `key: value` entry of an object result (rendered as a list), as text after the key. */
async function entry(output: Locator, key: string): Promise<string> {
  const text = (await output.locator("dd").filter({hasText: `${key}: `}).first().textContent()) ?? "";
  return text.slice(text.indexOf(": ") + 2);
}

describe("pocket reference (/): the LoRA layer", () => {
  test("builds a LoRALinear, equals the base at step 0, and merges and unmerges within rounding", async () => {
    await withCell("/", "lora-layer", async (page, cell) => {
      // The live cell sits in the Implementation section, after the display-only snippet.
      const section = await cell.evaluate((node) => {
        let heading = node.closest(".observablehq")?.previousElementSibling ?? null;
        while (heading && heading.tagName !== "H2") heading = heading.previousElementSibling;
        return heading?.id;
      });
      expect(section).toBe("implementation");
      const output = await runOriginal(cell, {autorun: true});
      expect(await entry(output, "stepZeroDifference")).toBe("0");
      expect(await entry(output, "scaling")).toBe("2");
      expect(await entry(output, "trainable")).toBe("48");
      for (const key of ["mergedVsUnmerged", "unmergeGivesBackW0"]) {
        const value = Number(await entry(output, key));
        expect(value, key).toBeGreaterThanOrEqual(0);
        expect(value, key).toBeLessThan(1e-5);
      }
    });
  });
});

describe("fine-tune lab (/lab): the training loop by hand", () => {
  test("trains on the real digits, plots the loss, and matches the build-time LoRA run", async () => {
    await withCell("/lab", "training-loop", async (page, cell) => {
      const expected = Number(/(\d+\.\d)%/.exec((await page.locator("#lab-loop-expected").textContent()) ?? "")?.[1]);
      expect(expected).toBeGreaterThan(50);
      const output = await runOriginal(cell);
      expect(await output.locator(".live-cell-plot svg[aria-label]").count()).toBe(1);
      expect(await output.locator(".live-cell-plot svg path").count()).toBeGreaterThan(0);
      const result = (await output.locator(".live-cell-result").textContent()) ?? "";
      expect(result).toContain("trainable: 2389");
      const accuracy = Number(/testAccuracy: ([\d.]+)/.exec(result)?.[1]);
      // Same seed, same order of draws, same kernels: the page's rounded figure to the 0.1%.
      expect(Math.abs(100 * accuracy - expected)).toBeLessThanOrEqual(0.05 + 1e-9);
    });
  });
});

describe("intrinsic rank (/intrinsic-rank): subspace similarity by hand", () => {
  test("compares two trained adapters with two random matrices and plots both φ grids", async () => {
    await withCell("/intrinsic-rank", "phi-by-hand", async (page, cell) => {
      const output = await runOriginal(cell);
      expect(await output.locator(".live-cell-plot svg[aria-label]").count()).toBeGreaterThan(0);
      expect(await output.locator(".live-cell-plot svg rect").count()).toBeGreaterThanOrEqual(2 * 64);
      const rows = await output.locator("table.live-cell-records tbody tr").evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => Number(td.textContent))));
      expect(rows).toHaveLength(8);
      // Columns i, twoSeeds, twoRandom, chance: the 3 planted directions are shared, random ones are not.
      for (const [i, twoSeeds, twoRandom] of rows.slice(0, 3)) {
        expect(twoSeeds, `φ(${i}, ${i}) of two seeds`).toBeGreaterThan(0.9);
        expect(twoRandom, `φ(${i}, ${i}) of two random matrices`).toBeLessThan(0.3);
      }
    });
  });
});

test("pages without a live cell never load the editor", async () => {
  for (const path of ["/math", "/gpt"]) { // /savings has a code exercise's live cell now
    const context = await browser.newContext();
    const requested: string[] = [];
    context.on("request", (request) => requested.push(request.url()));
    try {
      const page = await context.newPage();
      await page.goto(origin + path, {waitUntil: "load"});
      await waitForCells(page);
      expect(requested.filter((url) => url.includes("/_import/")).length, `${path} loads its modules`).toBeGreaterThan(0);
      expect(requested.filter((url) => /live-cell|codemirror/i.test(url)), path).toEqual([]);
      expect(await page.locator(".live-cell").count(), path).toBe(0);
    } finally {
      await context.close();
    }
  }
});

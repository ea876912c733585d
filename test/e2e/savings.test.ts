// The "Parameter savings" calculator in real Chromium: the paper's counts appear for the
// presets (Table 4: GPT-3 4.7M at r = 1, 37.7M at r = 8; Table 2: RoBERTa-base 0.3M at
// r = 8), and bad input shows a message beside the control, never NaN.
import {expect, test} from "vitest";
import type {Browser, Page} from "playwright-core";
import {cellErrors, describeProblems, openPage, screenshot, useSite, waitForCells} from "./browser.ts";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

const trainable = (page: Page) => page.locator("#trainable-count").textContent();

/** Opens /savings and runs `body`, keeping a screenshot when it fails. */
async function withPage(name: string, body: (page: Page) => Promise<void>): Promise<void> {
  const {page, problems} = await openPage(browser, origin, "/savings");
  try {
    await waitForCells(page);
    await body(page);
    expect(describeProblems(problems, await cellErrors(page))).toEqual([]);
  } catch (error) {
    const shot = await screenshot(page, `savings-${name}`);
    throw new Error(`${(error as Error).message}\nscreenshot: ${shot}`);
  } finally {
    await page.context().close();
  }
}

test("GPT-3 175B, W_q and W_v: 4.7M (4,718,592) at r = 1, 37.7M at r = 8", () =>
  withPage("gpt3", async (page) => {
    await expect.poll(() => trainable(page), {timeout: 20_000}).toContain("4.7M");
    expect(await trainable(page)).toContain("4,718,592");
    await page.fill("#rank-input", "8");
    await expect.poll(() => trainable(page)).toContain("37.7M");
    expect(await trainable(page)).toContain("37,748,736");
    expect(await page.locator("#rank-message").textContent()).toBe("");
  }));

test("RoBERTa-base, W_q and W_v, r = 8: 0.3M (294,912)", () =>
  withPage("roberta-base", async (page) => {
    await page.locator("#preset-input select").selectOption({label: "RoBERTa-base"});
    await page.fill("#rank-input", "8");
    await expect.poll(() => trainable(page)).toContain("0.3M");
    expect(await trainable(page)).toContain("294,912");
  }));

test("a rank beyond the layer size, an empty rank or no matrix shows a message and no NaN", () =>
  withPage("bad-input", async (page) => {
    await page.locator("#preset-input select").selectOption({label: "RoBERTa-base"});
    await page.fill("#rank-input", "769");
    await expect.poll(() => page.locator("#rank-message").textContent()).toMatch(/rank must be a whole number in \[1, 768\].*got 769/);
    expect(await page.locator("#rank-message").isVisible()).toBe(true);
    expect(await trainable(page)).not.toMatch(/\d/);
    expect(await page.locator("body").textContent()).not.toContain("NaN");

    await page.fill("#rank-input", "");
    await expect.poll(() => page.locator("#rank-message").textContent()).toMatch(/Enter a rank r/);
    expect(await page.locator("body").textContent()).not.toContain("NaN");

    await page.fill("#rank-input", "4");
    await expect.poll(() => page.locator("#rank-message").textContent()).toBe("");
    for (const box of await page.locator("#matrices-input input[type=checkbox]").all()) await box.uncheck();
    await expect.poll(() => page.locator("#matrices-message").textContent()).toMatch(/Choose at least one matrix/);
    expect(await page.locator("body").textContent()).not.toContain("NaN");
  }));

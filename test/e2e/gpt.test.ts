// The GPT page in real Chromium: the build-time model beats the unigram baseline, the
// live sampler continues a prompt from the same weights and explains characters the
// model does not know, and the PyTorch files are offered.
import {expect, test} from "vitest";
import type {Browser, Page} from "playwright-core";
import {cellErrors, describeProblems, openPage, screenshot, useSite, waitForCells} from "./browser.ts";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

/** Opens /gpt and runs `body`, keeping a screenshot when it fails. */
async function withPage(name: string, body: (page: Page) => Promise<void>): Promise<void> {
  const {page, problems} = await openPage(browser, origin, "/gpt");
  try {
    await waitForCells(page);
    await body(page);
    expect(describeProblems(problems, await cellErrors(page))).toEqual([]);
  } catch (error) {
    const shot = await screenshot(page, `gpt-${name}`);
    throw new Error(`${(error as Error).message}\nscreenshot: ${shot}`);
  } finally {
    await page.context().close();
  }
}

test("held-out loss is below the unigram baseline, and the PyTorch files are offered", () =>
  withPage("build", async (page) => {
    const heldOut = Number(await page.locator("#gpt-held-out").textContent());
    const unigram = Number(await page.locator("#gpt-unigram").textContent());
    expect(heldOut).toBeGreaterThan(0);
    expect(heldOut).toBeLessThan(unigram - 0.3);
    for (const name of ["gpt.safetensors", "run.json", "gpt_model.py", "continue_in_pytorch.py"]) {
      // Framework serves attachments from /_file/, with a content hash in the name.
      expect(await page.locator(`a[download="${name}"]`).getAttribute("href")).toContain(`data/gpt-brown/${name.split(".")[0]}`);
    }
  }));

test("the live sampler continues a prompt and names characters it does not know", () =>
  withPage("live", async (page) => {
    const prompt = page.locator("form input[type=text]");
    await prompt.fill("he said ");
    await expect.poll(() => page.locator("#gpt-live").textContent(), {timeout: 20_000}).toMatch(/^he said .{100,}/s);
    await prompt.fill("The Cow");
    await expect.poll(() => page.locator(".gpt-error").textContent()).toContain('not "T", "C"');
  }));

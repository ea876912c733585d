// The index page proves the three ways lib reaches the site: a cell, a Web Worker
// and a build-time data loader compute the same seeded norm.
import {expect, test} from "vitest";
import type {Browser} from "playwright-core";
import {openPage, useSite, waitForCells} from "./browser.ts";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

test("lib runs in a cell, in a worker and in a data loader, with the same result", async () => {
  const {page} = await openPage(browser, origin, "/");
  await waitForCells(page);
  await expect.poll(() => page.locator("#foundation-status").textContent(), {timeout: 20_000}).toBe("All three agree.");
  const cells = await page.locator("#foundation-table tbody tr").allTextContents();
  expect(cells).toHaveLength(3);
  // KaTeX rendered real math (not the red error fallback) with its inlined fonts.
  expect(await page.locator(".katex-display").count()).toBeGreaterThan(0);
  expect(await page.locator(".katex-error").count()).toBe(0);
  await page.context().close();
});

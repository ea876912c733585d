// The lab against hostile but fair links and keyboards, in real Chromium: inherited
// property names as a task, hex and junk numbers, an 8,000-character value, a run that
// diverges, focus after changing the task with the arrow keys, and the live-cell editor
// saying (and obeying) how to leave it by keyboard.
import {expect, test} from "vitest";
import type {Browser, Page} from "playwright-core";
import {cellErrors, describeProblems, focusEditor, openPage, screenshot, useSite, waitForCells} from "./browser.ts";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

/** Opens a lab URL, runs `check` on it, and fails on any page or cell error; keeps a screenshot on failure. */
async function withLab(query: string, check: (page: Page) => Promise<void>) {
  const {page, problems} = await openPage(browser, origin, `/lab${query}`);
  try {
    await waitForCells(page);
    await check(page);
    expect(describeProblems(problems, await cellErrors(page))).toEqual([]);
  } catch (error) {
    console.log(`screenshot: ${await screenshot(page, `lab-hardening${query}`)}`);
    throw error;
  } finally {
    await page.context().close();
  }
}

for (const name of ["toString", "__proto__", "constructor"]) {
  test(`task=${name} shows the default task and says why, with no TypeError`, async () => {
    await withLab(`?task=${name}`, async (page) => {
      expect(await page.locator("select[name=task]").inputValue()).toBe("digits");
      await expect.poll(() => page.locator(".lab-link-note").textContent()).toContain(`task "${name}" is not one of digits, names, gpt: showing digits`);
      await expect.poll(() => new URL(page.url()).searchParams.get("task")).toBe("digits");
    });
  });
}

test("r=0x10 and r=abc are not read as numbers: the default stays, a message says so, the URL never says NaN", async () => {
  await withLab("?r=0x10&alpha=abc", async (page) => {
    expect(await page.locator("input[name=rank]").inputValue()).toBe("4");
    expect(await page.locator("input[name=alpha]").inputValue()).toBe("8");
    const note = (await page.locator(".lab-link-note").textContent()) ?? "";
    expect(note).toContain('r "0x10" is not a number: using 4');
    expect(note).toContain('alpha "abc" is not a number: using 8');
    await expect.poll(() => new URL(page.url()).searchParams.get("r")).toBe("4");
    // A field the reader empties is left out of the URL instead of written as NaN.
    await page.fill("input[name=seed]", "");
    await expect.poll(() => new URL(page.url()).searchParams.has("seed")).toBe(false);
    expect(page.url()).not.toContain("NaN");
  });
});

test("an 8,000-character targets value is cut in the message and does not widen the page", async () => {
  await withLab(`?targets=${"x".repeat(8000)}`, async (page) => {
    const message = (await page.locator('[data-error-for="targets"]').textContent()) ?? "";
    expect(message).toContain("…");
    expect(message.length).toBeLessThan(200);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(1280);
  });
});

test("the names task at lr 5 ends as diverged, early, saying what to try", async () => {
  await withLab("?task=names&lr=5&steps=400", async (page) => {
    await page.click("#lab-run");
    await page.waitForSelector('tr[data-run="live-1"]:not([data-status="running"])', {timeout: 60_000});
    const row = page.locator('tr[data-run="live-1"]');
    expect(await row.getAttribute("data-status")).toBe("diverged");
    expect(Number(await row.getAttribute("data-steps"))).toBeLessThan(400);
    expect(await row.innerText()).toMatch(/diverged/);
    await expect.poll(() => page.locator("#lab-status").textContent()).toMatch(/diverged after \d+ steps\. Training diverged at step \d+: .*Try a learning rate 10× smaller \(lr 0\.5 instead of 5\)/);
  });
});

test("changing the task with the arrow keys keeps focus on the task select", async () => {
  await withLab("", async (page) => {
    await page.focus("select[name=task]");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => new URL(page.url()).searchParams.get("task")).toBe("names");
    expect(await page.evaluate(() => (document.activeElement as HTMLSelectElement | null)?.name)).toBe("task");
  });
});

test("the live-cell editor shows how to leave it by keyboard, and Esc then Tab does leave it", async () => {
  await withLab("", async (page) => {
    const cell = page.locator("#cell-training-loop");
    const hint = cell.locator(".live-cell-keys");
    expect(await hint.isVisible()).toBe(false);
    await focusEditor(cell);
    expect(await hint.isVisible()).toBe(true);
    expect(await hint.textContent()).toMatch(/Esc, then Tab/);
    expect(await cell.locator(".cm-content").getAttribute("aria-describedby")).toBe(await hint.getAttribute("id"));
    await page.keyboard.press("Tab"); // indents: focus stays in the editor
    expect(await page.evaluate(() => document.activeElement?.classList.contains("cm-content"))).toBe(true);
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.classList.contains("cm-content"))).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.closest(".live-cell")?.id)).toBe("cell-training-loop"); // on to the cell's Run button
  });
});

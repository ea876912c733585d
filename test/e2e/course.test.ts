// Ready for a course: an exercise's check accepts a right answer and rejects a wrong
// one (and remembers a solved one); a code exercise checks the live cell's result
// against lib; the pocket reference prints as a handout of at most two pages; no
// "Cite this page" block holds a placeholder; glossary links carry their tooltips.
// (Whether each page links a glossary term before using it is test/site/glossary.test.ts.)
import {expect, test} from "vitest";
import type {Browser, Page} from "playwright-core";
import {focusEditor, openPage, useSite, waitForCells} from "./browser.ts";
import {configuredPages} from "./pages.ts";
import {pageUrl, site} from "../../src/components/site.ts";

let browser: Browser;
let origin: string;
useSite((s) => ({browser, origin} = s));

const state = (page: Page, id: string) => page.locator(`#exercise-${id}`).getAttribute("data-state");

test("a number exercise rejects a wrong answer, accepts the right one, and remembers it", async () => {
  const {page} = await openPage(browser, origin, "/math");
  await waitForCells(page);
  const exercise = page.locator("#exercise-break-even");
  await exercise.locator("input.exercise-answer").fill("banana");
  await exercise.locator("button.exercise-submit").click();
  expect(await exercise.locator(".exercise-feedback").textContent()).toMatch(/Enter a number/);
  expect(await state(page, "break-even")).toBe("open");
  await exercise.locator("input.exercise-answer").fill("383");
  await exercise.locator("button.exercise-submit").click();
  expect(await state(page, "break-even")).toBe("wrong");
  await exercise.locator("input.exercise-answer").fill("384");
  await exercise.locator("input.exercise-answer").press("Enter");
  expect(await state(page, "break-even")).toBe("solved");
  expect(await exercise.locator(".exercise-feedback").textContent()).toMatch(/Right: 384/);
  // Progress survives a reload (localStorage), and other exercises stay open.
  await page.reload({waitUntil: "load"});
  await waitForCells(page);
  expect(await state(page, "break-even")).toBe("solved");
  expect(await state(page, "mlp-count")).toBe("open");
  await page.context().close();
});

test("a predict-then-run exercise asks for a commitment, then shows what the page computed", async () => {
  const {page} = await openPage(browser, origin, "/");
  await waitForCells(page);
  const exercise = page.locator("#exercise-step-zero");
  await exercise.locator("button.exercise-submit").click();
  expect(await exercise.locator(".exercise-feedback").textContent()).toMatch(/Pick one first/);
  await exercise.locator('input[value="about 1e-7 (float rounding)"]').check();
  await exercise.locator("button.exercise-submit").click();
  await expect.poll(() => exercise.getAttribute("data-predicted")).toBe("wrong");
  expect(await exercise.locator(".exercise-feedback").textContent()).toContain("the page computed “exactly 0”");
  await exercise.locator('input[value="exactly 0"]').check();
  await exercise.locator("button.exercise-submit").click();
  await expect.poll(() => exercise.getAttribute("data-predicted")).toBe("right");
  await page.context().close();
});

test("a code exercise checks the live cell's returned matrix against lib", async () => {
  const {page} = await openPage(browser, origin, "/");
  await waitForCells(page);
  const cell = page.locator("#cell-exercise-merged-weight");
  // The starter code returns W0 unchanged: wrong.
  await cell.locator(".live-cell-run").click();
  await expect.poll(() => state(page, "merged-weight"), {timeout: 30_000}).toBe("wrong");
  expect(await page.locator("#exercise-merged-weight .exercise-feedback").textContent()).toMatch(/Not yet: an entry differs/);
  // The solution, typed the way a reader does.
  await focusEditor(cell);
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(`const {Linear, LoRALinear, matmul, scale, add, fillNormal, rng} = lora;
const layer = new LoRALinear(new Linear(8, 6, rng(1)), {rank: 2, alpha: 4}, rng(2));
fillNormal(rng(3), layer.loraB.value.data, 0.5);
const W0 = layer.base.weight.value, A = layer.loraA.value, B = layer.loraB.value;
return add(W0, scale(matmul(B, A), 4 / 2));`);
  await cell.locator(".live-cell-run").click();
  await expect.poll(() => state(page, "merged-weight"), {timeout: 30_000}).toBe("solved");
  expect(await page.locator("#exercise-merged-weight .exercise-feedback").textContent()).toMatch(/every entry matches lib/);
  await page.context().close();
});

test("every teaching page has 2 to 4 exercises and a teacher's note", async () => {
  for (const path of ["/", "/math", "/savings", "/intrinsic-rank", "/lab", "/adapters"]) {
    const {page} = await openPage(browser, origin, path);
    await waitForCells(page, 60_000);
    const count = await page.locator(".exercise-check").count();
    expect(count, path).toBeGreaterThanOrEqual(2);
    expect(count, path).toBeLessThanOrEqual(4);
    expect(await page.locator("details.teacher-note").count(), path).toBe(1);
    await page.context().close();
  }
}, 600_000);

/** The number of pages in a PDF: its /Type /Page objects (not the /Pages tree). */
const pdfPages = (pdf: Buffer) => pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g)?.length ?? 0;

test("the pocket reference prints as a handout of at most two A4 or Letter pages, equations and tables included", async () => {
  const {page} = await openPage(browser, origin, "/");
  await waitForCells(page);
  await page.emulateMedia({media: "print"});
  // What stays in print: the equations, the notation table and the key numbers.
  expect(await page.locator("#eq-lora .katex").isVisible()).toBe(true);
  expect(await page.locator("table.notation").isVisible()).toBe(true);
  expect(await page.locator("#performance").isVisible()).toBe(true);
  expect(await page.locator("#guidance").isVisible()).toBe(true);
  expect(await page.locator("#cell-lora-layer").isVisible()).toBe(false);
  for (const format of ["A4", "Letter"]) {
    const pages = pdfPages(await page.pdf({format, printBackground: false}));
    expect(pages, format).toBeGreaterThanOrEqual(1);
    expect(pages, `${format}: the handout must fit on two pages`).toBeLessThanOrEqual(2);
  }
  await page.context().close();
});

test("no cite block holds a placeholder: every page cites its real address, version and authors", async () => {
  for (const {path} of configuredPages()) {
    const {page} = await openPage(browser, origin, path);
    // Only the cite block is needed here, not every experiment on the page.
    await page.locator(".cite").waitFor({timeout: 60_000});
    const cite = (await page.locator(".cite").textContent()) ?? "";
    expect(cite, path).toContain(pageUrl(path));
    expect(cite, path).toContain(`version ${site.version}`);
    expect(cite, path).toContain(site.authors);
    expect(cite, path).not.toMatch(/\.example\b|placeholder|TODO|XXX|lorem|localhost|127\.0\.0\.1/i);
    // The page carries the address this build was made for, the one the cite block used.
    expect(await page.locator('meta[name="site-url"]').getAttribute("content"), path).toBe(site.baseUrl);
    await page.context().close();
  }
}, 600_000);

test("glossary links carry a tooltip and land on a defined term", async () => {
  const {page} = await openPage(browser, origin, "/savings");
  await waitForCells(page);
  const link = page.locator('a[href^="./glossary#"]').first();
  expect((await link.getAttribute("title"))?.length).toBeGreaterThan(20);
  const id = (await link.getAttribute("href"))!.split("#")[1];
  await link.click();
  await page.waitForURL(/\/glossary/);
  expect(await page.locator(`h3#${id}`).count()).toBe(1);
  await page.context().close();
});

// Live cells on the playground: the reader edits code in CodeMirror and runs it in a
// Web Worker. Checked here: edits run and show new output, an endless loop is stopped
// (by Stop and by the time limit) without hurting the page, edits survive a reload,
// Reset asks first, linked code waits for Run, errors carry their line in the cell,
// and every cell's original code runs cleanly.
import {expect, test} from "vitest";
import type {Browser, Locator, Page} from "playwright-core";
import {cellErrors, describeProblems, focusEditor, openPage, type PageProblems, screenshot, useSite, waitForCells} from "./browser.ts";

const PATH = "/playground";
const CELLS = ["tour", "merge", "train", "subspace"];

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

/** Opens a page and waits for its cells and editors; closes it after `body`, failing on any page problem. */
async function withPage(name: string, body: (page: Page) => Promise<void>, url = PATH): Promise<void> {
  const {page, problems} = await openPage(browser, origin, url);
  try {
    await waitForCells(page);
    await page.locator(".live-cell .live-cell-editor").first().waitFor();
    await body(page);
    await expectClean(page, problems, name);
  } catch (error) {
    console.error(`screenshot: ${await screenshot(page, `live-cells-${name}`)}`);
    throw error;
  } finally {
    await page.context().close();
  }
}

async function expectClean(page: Page, problems: PageProblems, name: string): Promise<void> {
  expect(describeProblems(problems, await cellErrors(page)), name).toEqual([]);
}

const cell = (page: Page, id: string): Locator => page.locator(`#cell-${id}`);
const status = (page: Page, id: string) => cell(page, id).locator(".live-cell-status");
const output = (page: Page, id: string) => cell(page, id).locator(".live-cell-output");
/** The code in a cell's editor (the component exposes it as `.value`, like an input). */
const editorText = (page: Page, id: string) => cell(page, id).evaluate((element) => (element as HTMLElement & {value: string}).value);

/** Replaces a cell's code the way a reader does: focus the editor, select all, type. */
async function typeCode(page: Page, id: string, code: string): Promise<void> {
  await focusEditor(cell(page, id));
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(code);
}

/** Presses Run and waits until the run has ended; returns the status line. */
async function run(page: Page, id: string, timeout = 30_000): Promise<string> {
  await cell(page, id).locator(".live-cell-run").click();
  await expect.poll(() => status(page, id).textContent(), {timeout}).toMatch(/^(Done|Stopped|The sandbox failed)/);
  return (await status(page, id).textContent()) ?? "";
}

test("every playground cell's original code runs without error", async () => {
  await withPage("originals", async (page) => {
    for (const id of CELLS) {
      expect(await run(page, id), id).toMatch(/^Done in/);
      expect(await output(page, id).locator(".live-cell-error").count(), `${id}: ${await output(page, id).textContent()}`).toBe(0);
      expect(((await output(page, id).textContent()) ?? "").length, id).toBeGreaterThan(10);
    }
    // The tour returns a Matrix (a table) and draws a chart; the training loop plots its loss.
    await expect.poll(() => output(page, "tour").locator("table.live-cell-matrix caption").textContent()).toBe("Matrix 3×4");
    for (const id of ["tour", "train", "subspace"]) expect(await output(page, id).locator("svg[aria-label]").count(), id).toBeGreaterThan(0);
    expect(await output(page, "merge").textContent()).toContain("max |ΔW − scaling·B·A| = 0");
  });
});

test("an edited cell runs the new code (Shift+Enter) and shows its output", async () => {
  await withPage("edit", async (page) => {
    await typeCode(page, "tour", 'console.log("edited", 6 * 7);\nreturn lora.matrix(2, 2);');
    await page.keyboard.press("Shift+Enter");
    await expect.poll(() => status(page, "tour").textContent(), {timeout: 30_000}).toMatch(/^Done in/);
    expect(await output(page, "tour").locator(".live-cell-log").first().textContent()).toBe("edited 42");
    expect(await output(page, "tour").locator("table.live-cell-matrix caption").textContent()).toBe("Matrix 2×2");
  });
});

test("an endless loop is stopped by Stop and by the time limit, and the page keeps working", async () => {
  await withPage("endless", async (page) => {
    await typeCode(page, "tour", "while (true) {}");
    await cell(page, "tour").locator(".live-cell-run").click();
    await expect.poll(() => status(page, "tour").textContent(), {timeout: 20_000}).toMatch(/^Running… .* of 10\.0 s/);
    await page.waitForTimeout(500);
    await cell(page, "tour").locator(".live-cell-stop").click();
    expect(await status(page, "tour").textContent()).toMatch(/^Stopped after/);

    await cell(page, "tour").locator(".live-cell-limit input").fill("1");
    expect(await run(page, "tour", 20_000)).toBe("Stopped: the 1.0 s time limit ran out (raise it beside Run).");
    // The main thread was never blocked, and another cell (and this one) still run.
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    expect(await run(page, "merge")).toMatch(/^Done in/);
    await typeCode(page, "tour", "return 7 * 6;");
    expect(await run(page, "tour")).toMatch(/^Done in/);
    expect(await output(page, "tour").textContent()).toContain("42");
  });
});

test("CodeMirror loads when the reader first focuses a cell's code, not with the page", async () => {
  await withPage("lazy-editor", async (page) => {
    const editorModules = () => page.evaluate(() => performance.getEntriesByType("resource").map((entry) => entry.name).filter((name) => /\/_node\/(@codemirror|@lezer|codemirror)/.test(name)));
    expect(await editorModules()).toEqual([]);
    expect(await page.locator(".live-cell .cm-editor").count()).toBe(0);
    expect(await editorText(page, "tour")).toContain("lora"); // the code is there (and runnable) before the editor
    await focusEditor(cell(page, "tour"));
    expect((await editorModules()).length).toBeGreaterThan(0);
    expect(await page.locator(".live-cell .cm-editor").count()).toBe(1); // only the focused cell pays for its editor
  });
});

test("an edit survives a reload, and Reset restores the original only after confirming", async () => {
  await withPage("persist", async (page) => {
    const original = await editorText(page, "merge");
    await typeCode(page, "merge", "return 'my edit';");
    await expect.poll(() => cell(page, "merge").locator(".live-cell-edited").isVisible()).toBe(true);
    await page.reload({waitUntil: "load"});
    await waitForCells(page);
    await cell(page, "merge").locator(".live-cell-editor").waitFor();
    expect(await editorText(page, "merge")).toBe("return 'my edit';");
    expect(await cell(page, "merge").locator(".live-cell-editor").innerText()).toContain("return 'my edit';"); // on screen too
    expect(await cell(page, "merge").locator(".live-cell-edited").isVisible()).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem("live-cell:/playground:merge"))).toBe("return 'my edit';");

    await cell(page, "merge").locator(".live-cell-reset").click();
    expect(await cell(page, "merge").locator(".live-cell-confirm").isVisible()).toBe(true);
    expect(await editorText(page, "merge")).toBe("return 'my edit';"); // nothing lost before confirming
    await cell(page, "merge").locator(".live-cell-confirm-reset").click();
    // Reset hands the focus back to the code, which loads the editor: let it finish before reloading.
    await cell(page, "merge").locator(".cm-content").waitFor();
    expect(await editorText(page, "merge")).toBe(original);
    expect(await cell(page, "merge").locator(".live-cell-edited").isVisible()).toBe(false);
    await page.reload({waitUntil: "load"});
    await waitForCells(page);
    await cell(page, "merge").locator(".live-cell-editor").waitFor();
    expect(await editorText(page, "merge")).toBe(original);
  });
});

test("code from a link is shown with a notice and runs only when Run is pressed", async () => {
  let link = "";
  await withPage("copy-link", async (page) => {
    await typeCode(page, "tour", 'console.log("from a link");\nreturn 1;');
    await cell(page, "tour").locator(".live-cell-copy").click();
    link = await cell(page, "tour").locator(".live-cell-share input").inputValue();
  });
  expect(link).toMatch(/\/playground#cell-tour=[\w-]+$/);
  await withPage("open-link", async (page) => {
    expect(await editorText(page, "tour")).toBe('console.log("from a link");\nreturn 1;');
    expect(await cell(page, "tour").locator(".live-cell-editor").innerText()).toContain('console.log("from a link");');
    expect(page.url()).not.toContain("#cell-tour="); // taken out of the address bar, so a reload shows the reader's own edits
    expect(await cell(page, "tour").locator(".live-cell-link-notice").textContent()).toContain("press Run to execute");
    await page.waitForTimeout(1_500);
    expect(await output(page, "tour").textContent()).not.toContain("from a link");
    expect(await run(page, "tour")).toMatch(/^Done in/);
    expect(await output(page, "tour").textContent()).toContain("from a link");
    // Once run, the linked code is the reader's: it survives a reload (the link itself is gone from the URL).
    await page.reload({waitUntil: "load"});
    await waitForCells(page);
    await cell(page, "tour").locator(".live-cell-editor").waitFor();
    expect(await editorText(page, "tour")).toBe('console.log("from a link");\nreturn 1;');
    expect(await cell(page, "tour").locator(".live-cell-link-notice").isVisible()).toBe(false);
  }, link.slice(origin.length));
});

test("a syntax error and a runtime error show their line in the cell", async () => {
  await withPage("errors", async (page) => {
    await typeCode(page, "tour", "const a = 1;\nconst b = ;\nreturn a;");
    await run(page, "tour");
    expect(await output(page, "tour").locator(".live-cell-error").textContent()).toMatch(/^SyntaxError on line 2: .*2 │ const b = ;/s);

    await typeCode(page, "tour", "const a = 1;\n\nnull.x;");
    await run(page, "tour");
    expect(await output(page, "tour").locator(".live-cell-error").textContent()).toMatch(/^TypeError on line 3: .*null/s);

    // Thrown inside lib: the line is still the cell's line that called it.
    await typeCode(page, "tour", "// a 2×2 matrix needs 4 values\n\nconst m = lora.matrix(2, 2, new Float32Array(3));");
    await run(page, "tour");
    expect(await output(page, "tour").locator(".live-cell-error").textContent()).toMatch(/^RangeError on line 3: data has 3 values/);
  });
});

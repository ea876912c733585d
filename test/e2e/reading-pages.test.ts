// The reading pages work, not just load: the math page's sliders drive the counts, an
// impossible rank is explained (never NaN), the exact example reports equality,
// equations have citable anchors, and every "Cite this page" block names its own URL.
import {describe, expect, test} from "vitest";
import type {Browser, Page} from "playwright-core";
import {cellErrors, describeProblems, openPage, useSite, waitForCells} from "./browser.ts";
import {pageUrl} from "../../src/components/site.ts";
import {configuredPages} from "./pages.ts";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

/** Opens a page, waits for its cells, runs `check`, and fails on any console, network or cell problem. */
async function onPage(path: string, check: (page: Page) => Promise<void>): Promise<void> {
  const {page, problems} = await openPage(browser, origin, path);
  try {
    await waitForCells(page);
    await check(page);
    expect(describeProblems(problems, await cellErrors(page))).toEqual([]);
  } finally {
    await page.context().close();
  }
}

/** Types a value into the number box of the Inputs.range whose label starts with `label`. */
async function setSlider(page: Page, label: string, value: number): Promise<void> {
  const box = page.locator("#observablehq-main form").filter({hasText: label}).locator('input[type="number"]');
  await box.fill(String(value));
  await box.dispatchEvent("input");
}

describe("The math (/math)", () => {
  test("the sliders drive the parameter count and compression ratio", async () => {
    await onPage("/math", async (page) => {
      const compression = page.locator("#compression");
      // Defaults d = k = 768, r = 8: 589,824 against 12,288, 48× fewer.
      await expect.poll(() => compression.textContent()).toContain("48× fewer");
      await setSlider(page, "r (rank)", 4);
      await expect.poll(() => compression.textContent()).toContain("96× fewer");
      await setSlider(page, "d (rows", 64);
      await setSlider(page, "k (columns", 128);
      // 64·128 = 8,192 against 4·(64 + 128) = 768: 10.67× fewer.
      await expect.poll(() => compression.textContent()).toContain("10.67× fewer");
      expect(await page.locator("svg.matrix-shapes").getAttribute("aria-label")).toContain("B is 64 by 4");
    });
  });

  test("r > min(d, k) shows a message instead of numbers", async () => {
    await onPage("/math", async (page) => {
      await setSlider(page, "k (columns", 16);
      await setSlider(page, "r (rank)", 40);
      const message = page.locator("#shape-message");
      await expect.poll(() => message.textContent()).toContain("larger than min(d, k) = 16");
      expect(await page.locator("svg.matrix-shapes").count()).toBe(0);
      const text = (await page.locator("#observablehq-main").textContent()) ?? "";
      expect(text).not.toMatch(/NaN|Infinity/);
      await setSlider(page, "r (rank)", 16);
      await expect.poll(() => page.locator("#shape-message").count()).toBe(0);
      await expect.poll(() => page.locator("#compression").textContent()).toContain("as many numbers as the full matrix or more");
    });
  });

  test("the exact worked example reports equality, and merge/unmerge round-trips", async () => {
    await onPage("/math", async (page) => {
      await expect.poll(() => page.locator("#exact-check").textContent()).toContain("Equal, exactly");
      expect(await page.locator("#exact-check").getAttribute("class")).toBe("check-ok");
      expect(await page.locator("#merge-check").textContent()).toContain("gives back W₀ exactly: yes");
      expect(await page.locator(".katex-error").count()).toBe(0);
    });
  });

  test("every displayed equation has an anchor and a visible number linking to it", async () => {
    await onPage("/math#eq-scaling", async (page) => {
      const ids = await page.locator("#observablehq-main .equation").evaluateAll((nodes) => nodes.map((n) => n.id));
      expect(ids).toEqual(["eq-lora", "eq-count", "eq-distributive", "eq-merge", "eq-gradients", "eq-scaling"]);
      for (const [i, id] of ids.entries()) {
        const link = page.locator(`#${id} a.equation-number`);
        expect(await link.getAttribute("href")).toBe(`#${id}`);
        expect(await link.textContent()).toBe(`(${i + 1})`);
      }
    });
  });
});

describe("Cite this page", () => {
  // Every page ends with its citation, the playground included.
  for (const path of configuredPages().map((page) => page.path)) {
    test(`${path} has BibTeX and APA with its own URL, and a working Copy button`, async () => {
      await onPage(path, async (page) => {
        const bibtex = (await page.locator("pre.cite-bibtex").textContent()) ?? "";
        expect(bibtex).toMatch(/^@misc\{/);
        expect(bibtex).toContain(`url          = {${pageUrl(path)}}`);
        expect(bibtex).toContain("version 0.1.0");
        expect(await page.locator("pre.cite-apa").textContent()).toContain(pageUrl(path));
        expect(await page.locator("ol.cite-references li").first().textContent()).toContain("arXiv:2106.09685");
        await page.locator("button.cite-copy").first().click();
        // Either the clipboard took it or the text was selected for Ctrl-C; both say so.
        await expect.poll(() => page.locator(".cite-status").first().textContent()).toMatch(/Copied|Selected/);
      });
    });
  }
});

describe("Pocket reference (/)", () => {
  test("has the sections a reader expects, stable heading anchors, and live checks", async () => {
    await onPage("/", async (page) => {
      // Sections that do not print sit in <div class="handout-skip">, so headings are not all direct children.
      const ids = await page.locator("#observablehq-main h2[id]").evaluateAll((nodes) => nodes.map((n) => n.id));
      for (const id of ["the-idea", "notation", "implementation", "performance", "limitations"]) expect(ids).toContain(id);
      expect(ids.at(-1)).toBe("under-the-hood-this-page-runs-live");
      expect(await page.locator("table.notation tbody tr").count()).toBe(6);
      // The layer's live check is now a live cell (run, and its step-0 difference of 0 checked, in page-cells.test.ts).
      expect(await page.locator("#implementation ~ .observablehq #cell-lora-layer").count()).toBe(1);
      expect(await page.locator("#observablehq-main a[href='./math']").count()).toBeGreaterThan(0);
    });
  });

  test("prints without navigation or buttons, keeping the math", async () => {
    await onPage("/", async (page) => {
      await page.emulateMedia({media: "print"});
      for (const selector of ["#observablehq-sidebar", "#observablehq-toc", "button.cite-copy"]) {
        expect(await page.locator(selector).first().isVisible(), selector).toBe(false);
      }
      expect(await page.locator(".katex-display").first().isVisible()).toBe(true);
    });
  });
});

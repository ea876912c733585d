// Accessibility of every configured page in real Chromium: axe-core finds no
// violation in the light or the dark theme, no page scrolls sideways on a phone
// (390×844), and the lab's run can be started, stopped and read with the keyboard alone.
import {describe, expect, test} from "vitest";
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import type {Browser, Page} from "playwright-core";
import {openPage, screenshot, useSite, waitForCells} from "./browser.ts";
import {configuredPages} from "./pages.ts";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

// axe-core's own bundle, injected into the page (the pinned devDependency, no network).
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Every axe-core violation on the page (its default rules: WCAG 2.x A/AA and best practices), one line per node. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as {axe: {configure: (spec: object) => void; run: (context: Document, options: object) => Promise<{violations: {id: string; help: string; nodes: {target: string[]; failureSummary?: string}[]}[]}>}}).axe;
    // Framework's sidebar toggle (a named checkbox) must stay a sibling before the <nav>
    // it opens, because Framework's CSS shows the nav with "toggle:checked ~ nav"; it
    // cannot move inside a landmark, so axe is told it belongs to the navigation.
    axe.configure({checks: [{id: "region", options: {regionMatcher: "#observablehq-sidebar-toggle"}}]});
    const {violations} = await axe.run(document, {resultTypes: ["violations"]});
    return violations.flatMap((v) => v.nodes.map((node) => `${v.id} (${v.help}) at ${node.target.join(" ")}: ${node.failureSummary?.replace(/\s+/g, " ")}`));
  });
}

describe("axe-core finds no violation", () => {
  for (const {name, path} of configuredPages()) {
    for (const colorScheme of ["light", "dark"] as const) {
      test(`${name} (${path}), ${colorScheme} theme`, async () => {
        const {page} = await openPage(browser, origin, path, {colorScheme});
        try {
          await waitForCells(page);
          const violations = await axeViolations(page);
          const shot = violations.length ? await screenshot(page, `axe-${colorScheme}-${path}`) : "";
          expect(violations, `axe violations on ${path} (${colorScheme}); screenshot: ${shot}`).toEqual([]);
        } finally {
          await page.context().close();
        }
      });
    }
  }
});

describe("every chart has a text alternative", () => {
  for (const {name, path} of configuredPages()) {
    test(`${name} (${path})`, async () => {
      const {page} = await openPage(browser, origin, path);
      try {
        await waitForCells(page);
        // A Plot chart (its <svg> carries a plot-* class) is described when it has an
        // aria-label or aria-description, or sits in a <figure> that has one or a caption.
        const bare = await page.evaluate(() =>
          [...document.querySelectorAll("#observablehq-main svg[class^='plot-'], #observablehq-main svg[class*=' plot-']")]
            .filter((svg) => !svg.closest("[aria-hidden=true]") && !svg.matches(".plot-swatches svg, [class$='-swatch'], [class$='-ramp']"))
            .filter((svg) => {
              const figure = svg.closest("figure");
              const described = (element: Element | null) => !!(element?.getAttribute("aria-label")?.trim() || element?.getAttribute("aria-description")?.trim());
              return !described(svg) && !described(figure) && !figure?.querySelector("figcaption")?.textContent?.trim();
            })
            .map((svg) => `${svg.closest("[id]")?.id ?? "?"}: ${svg.outerHTML.slice(0, 120)}`)
        );
        expect(bare, `charts on ${path} with no text alternative`).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }
});

describe("no page scrolls sideways at 390×844", () => {
  for (const {name, path} of configuredPages()) {
    test(`${name} (${path})`, async () => {
      const {page} = await openPage(browser, origin, path, {viewport: {width: 390, height: 844}});
      try {
        await waitForCells(page);
        const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
        const wide = width > 390 ? await widestElements(page) : [];
        expect(width, `page ${path} is ${width} px wide; widest: ${wide.join(", ")}`).toBeLessThanOrEqual(390);
      } finally {
        await page.context().close();
      }
    });
  }
});

/** The outermost elements that reach past the right edge, to name the culprit when a page is too wide. */
function widestElements(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > 390 && (el.parentElement?.getBoundingClientRect().right ?? 0) <= 390)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")} in ${el.parentElement?.className} (${Math.round(el.getBoundingClientRect().right)} px)`)
  );
}

/** Presses Tab until the element matching `selector` has focus (at most `limit` presses). */
async function tabTo(page: Page, selector: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`${selector} never received focus after ${limit} presses of Tab`);
}

test("the lab's run is started, stopped and read with the keyboard alone", async () => {
  const {page} = await openPage(browser, origin, "/lab?task=digits&method=full&steps=5000&seed=3");
  try {
    await waitForCells(page);
    await tabTo(page, "#lab-run");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => Number(document.querySelector("tr[data-run='live-1']")?.getAttribute("data-steps")) > 10, undefined, {timeout: 30_000});
    // Stop is the next control that takes focus once the run has started ("Run all" is disabled while it runs).
    await tabTo(page, "#lab-stop", 3);
    await page.keyboard.press("Enter");
    await page.waitForSelector('tr[data-run="live-1"][data-status="stopped"]', {timeout: 5_000});
    // The outcome is read from a live region, and focus comes back to Run rather than falling to <body>.
    const status = page.locator("#lab-status");
    expect(await status.getAttribute("role")).toBe("status");
    await expect.poll(() => status.textContent()).toMatch(/stopped after \d+ steps/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("lab-run");
  } finally {
    await page.context().close();
  }
});

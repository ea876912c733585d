// The Fine-tune lab in real Chromium: the default LoRA run trains live in the
// worker and beats chance, the merge check passes, a URL with a seed repeats the
// same losses in a fresh page load, Stop ends a long run with the page still
// responsive, a bad setting is named beside its control and keeps Run disabled, and
// the GPT task trains live on the target matrices that are ticked.
import {expect, test} from "vitest";
import type {Browser, Page} from "playwright-core";
import {cellErrors, describeProblems, openPage, screenshot, useSite, waitForCells} from "./browser.ts";
import {methods} from "../../lib/site/index.js";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

const row = (page: Page, id: string) => page.locator(`tr[data-run="${id}"]`);

/** Clicks Run and waits for live run `n` to reach a final status; returns its row's data. */
async function runLive(page: Page, n = 1, timeout = 60_000) {
  await page.click("#lab-run");
  const id = `live-${n}`;
  await page.waitForSelector(`tr[data-run="${id}"]:not([data-status="running"])`, {timeout});
  const r = row(page, id);
  return {
    status: await r.getAttribute("data-status"),
    accuracy: Number(await r.getAttribute("data-accuracy")),
    losses: JSON.parse((await r.getAttribute("data-losses")) ?? "[]") as number[],
    steps: Number(await r.getAttribute("data-steps")),
    wallMs: Number(await r.getAttribute("data-wall-ms")),
    text: await r.innerText()
  };
}

test("the default LoRA run trains live above chance and its merged model predicts the same", async () => {
  const {page, problems} = await openPage(browser, origin, "/lab");
  try {
    await waitForCells(page);
    // Build-time runs are on the page before anything runs: one per method (every LoRA variant and the two baselines).
    await expect.poll(() => page.locator('tr[data-run^="build-"]').count()).toBe(methods.length);
    const run = await runLive(page);
    console.log(`default digits LoRA run in Chromium: ${run.wallMs.toFixed(0)} ms, accuracy ${(100 * run.accuracy).toFixed(1)}%`);
    expect(run.status).toBe("done");
    expect(run.steps).toBe(300);
    expect(run.accuracy).toBeGreaterThan(0.5); // chance is 0.2 (five new classes)
    const merge = page.locator("#lab-merge");
    await expect.poll(() => merge.textContent()).toContain("#1");
    expect(Number(await merge.getAttribute("data-max-diff"))).toBeLessThan(1e-3);
    expect(await merge.getAttribute("data-same")).toBe(await merge.getAttribute("data-examples"));
    // The live run repeats the build-time run exactly: same lib, same seed.
    expect(run.losses).toEqual(JSON.parse((await row(page, "build-lora").getAttribute("data-losses")) ?? "[]"));
    expect(describeProblems(problems, await cellErrors(page))).toEqual([]);
  } catch (error) {
    console.log(`screenshot: ${await screenshot(page, "lab-default")}`);
    throw error;
  } finally {
    await page.context().close();
  }
});

test("a URL with a seed reproduces the same losses in another page load", async () => {
  const query = "?task=digits&method=lora&r=2&alpha=4&scaling=alpha%2Fr&targets=layers.0&dropout=0.1&init=paper&lr=0.005&steps=40&batch=32&seed=1234";
  const losses: number[][] = [];
  for (let i = 0; i < 2; i++) {
    const {page} = await openPage(browser, origin, `/lab${query}`);
    try {
      await waitForCells(page);
      expect(await page.locator("input[name=seed]").inputValue()).toBe("1234");
      expect(await page.locator("input[name=rank]").inputValue()).toBe("2");
      const run = await runLive(page);
      expect(run.status).toBe("done");
      losses.push(run.losses.slice(0, 5));
      expect(new URL(page.url()).searchParams.get("seed")).toBe("1234");
    } finally {
      await page.context().close();
    }
  }
  expect(losses[0]).toHaveLength(5);
  expect(losses[1]).toEqual(losses[0]);
});

test("Stop ends a long run as stopped and the page stays responsive", async () => {
  const {page, problems} = await openPage(browser, origin, "/lab?task=digits&method=full&steps=5000&seed=3");
  try {
    await waitForCells(page);
    await page.click("#lab-run");
    await page.waitForFunction(() => Number(document.querySelector("tr[data-run='live-1']")?.getAttribute("data-steps")) > 20, undefined, {timeout: 30_000});
    const started = Date.now();
    await page.click("#lab-stop");
    await page.waitForSelector('tr[data-run="live-1"][data-status="stopped"]', {timeout: 5_000});
    expect(Date.now() - started).toBeLessThan(3_000);
    const steps = Number(await row(page, "live-1").getAttribute("data-steps"));
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(5000);
    // Responsive: a control still updates the URL at once, and Run is available again.
    await page.fill("input[name=seed]", "9");
    await expect.poll(() => new URL(page.url()).searchParams.get("seed"), {timeout: 2_000}).toBe("9");
    expect(await page.locator("#lab-run").isEnabled()).toBe(true);
    expect(describeProblems(problems, await cellErrors(page))).toEqual([]);
  } finally {
    await page.context().close();
  }
});

test("bad settings are named beside their control and do not start a run", async () => {
  const {page} = await openPage(browser, origin, "/lab?r=500&lr=0&steps=0");
  try {
    await waitForCells(page);
    await expect.poll(() => page.locator('[data-error-for="rank"]').textContent()).toMatch(/r ≤ min\(128, 196\) = 128|= 64/);
    expect(await page.locator('[data-error-for="lr"]').textContent()).toMatch(/> 0/);
    expect(await page.locator('[data-error-for="steps"]').textContent()).toMatch(/steps/);
    // Run stays disabled while a setting cannot run, and the status line says why.
    expect(await page.locator("#lab-run").isDisabled()).toBe(true);
    await expect.poll(() => page.locator("#lab-status").textContent()).toMatch(/Fix the highlighted settings/);
    expect(await page.locator('tr[data-run^="live-"]').count()).toBe(0);
    // Fixing them clears the messages.
    await page.fill("input[name=rank]", "4");
    await page.fill("input[name=lr]", "0.003");
    await page.fill("input[name=steps]", "30");
    await expect.poll(() => page.locator(".lab-invalid").count()).toBe(0);
    const run = await runLive(page);
    expect(run.status).toBe("done");
  } finally {
    await page.context().close();
  }
});

test("names: choosing the task resets its defaults, and a run shows samples before and after", async () => {
  const {page, problems} = await openPage(browser, origin, "/lab");
  try {
    await waitForCells(page);
    await page.selectOption("select[name=task]", "names");
    await expect.poll(() => new URL(page.url()).searchParams.get("targets")).toBe("hidden,out");
    await expect.poll(() => page.locator('tr[data-run="build-lora"] td').nth(1).textContent()).toContain("hidden, out");
    await page.fill("input[name=steps]", "60");
    const run = await runLive(page);
    expect(run.status).toBe("done");
    const samples = page.locator("#lab-samples");
    await expect.poll(() => samples.textContent()).toContain("after #1");
    expect(await samples.locator("ol").nth(0).locator("li").count()).toBe(12);
    expect(await samples.locator("ol").nth(1).locator("li").count()).toBe(12);
    expect(describeProblems(problems, await cellErrors(page))).toEqual([]);
  } finally {
    await page.context().close();
  }
});

test("GPT: the task trains live on the ticked target matrices, the loss falls, and bad targets are named", async () => {
  const {page, problems} = await openPage(browser, origin, "/lab?task=gpt&targets=q_proj,w_q");
  try {
    await waitForCells(page);
    // The build-time runs of the GPT's defaults are shown at once.
    await expect.poll(() => page.locator('tr[data-run^="build-"]').count()).toBe(3);
    // An unknown target from the link is named beside the checkboxes, and Run is disabled.
    await expect.poll(() => page.locator('[data-error-for="targets"]').textContent()).toMatch(/"w_q" cannot be adapted here \(choose from q_proj, k_proj, v_proj, o_proj, up_proj, down_proj\)/);
    expect(await page.locator("#lab-run").isDisabled()).toBe(true);
    const boxes = page.locator("input[name=targets]");
    expect(await boxes.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toEqual(["q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj"]);
    // Unticking every box is refused too, with its own message.
    await page.uncheck("input[name=targets][value=q_proj]");
    await expect.poll(() => page.locator('[data-error-for="targets"]').textContent()).toMatch(/choose at least one layer/);
    expect(await page.locator("#lab-run").isDisabled()).toBe(true);
    // W_q and W_v ticked: a valid setup, in the URL, and Run is enabled again.
    await page.check("input[name=targets][value=q_proj]");
    await page.check("input[name=targets][value=v_proj]");
    await expect.poll(() => new URL(page.url()).searchParams.get("targets")).toBe("q_proj,v_proj");
    await expect.poll(() => page.locator(".lab-invalid").count()).toBe(0);
    await page.fill("input[name=steps]", "48");
    const run = await runLive(page, 1, 120_000);
    console.log(`GPT LoRA q_proj+v_proj, 48 steps in Chromium: ${run.wallMs.toFixed(0)} ms`);
    expect(run.status).toBe("done");
    expect(run.steps).toBe(48);
    expect(run.losses.every(Number.isFinite)).toBe(true);
    // The charts' text alternative gives the first and last mini-batch loss and the held-out accuracy.
    const summary = (await page.locator("details li", {hasText: "#1 "}).textContent()) ?? "";
    const [, first, last] = summary.match(/training loss ([\d.]+) at step 1 → ([\d.]+) at step 48/) ?? [];
    expect(Number(last)).toBeLessThan(Number(first) - 0.3);
    const [, before, after] = summary.match(/test accuracy ([\d.]+)% at step 0 → ([\d.]+)% at step 48/) ?? [];
    expect(Number(after)).toBeGreaterThan(Number(before));
    expect(run.text).toMatch(/q_proj, v_proj/);
    expect(run.text).not.toMatch(/NaN/);
    expect(describeProblems(problems, await cellErrors(page))).toEqual([]);
  } catch (error) {
    console.log(`screenshot: ${await screenshot(page, "lab-gpt")}`);
    throw error;
  } finally {
    await page.context().close();
  }
});

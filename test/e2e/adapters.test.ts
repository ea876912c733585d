// The Adapters page in real Chromium: the build-time adapters are listed and good on
// their own views, switching back and forth leaves W0 intact, the blend slider and
// grid answer from the worker, the batching timings come back finite, a downloaded
// adapter uploads back with identical predictions, and corrupted files are refused
// with the strict reader's message. No NaN anywhere.
import {expect, test} from "vitest";
import type {Browser, Page} from "playwright-core";
import {mkdtemp, readFile, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {cellErrors, describeProblems, openPage, screenshot, useSite, waitForCells} from "./browser.ts";

let browser: Browser;
let origin: string;
useSite((site) => ({browser, origin} = site));

/** Clicks a download link and saves the file; returns its path and bytes. */
async function download(page: Page, id: string, dir: string): Promise<{path: string; bytes: Buffer; name: string}> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(`#${id}`)]);
  const path = join(dir, `${id}-${file.suggestedFilename()}`);
  await file.saveAs(path);
  return {path, bytes: await readFile(path), name: file.suggestedFilename()};
}

const uploadInput = (page: Page) => page.locator("input[type=file]");

/** Writes `bytes` as dir/name/adapter_model.safetensors; returns the path. */
async function save(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const {mkdir} = await import("node:fs/promises");
  await mkdir(join(dir, name), {recursive: true});
  const path = join(dir, name, "adapter_model.safetensors");
  await writeFile(path, bytes);
  return path;
}

/** A copy of an F32 safetensors file with every value of tensor `key` replaced by change(value). */
function rewriteValues(bytes: Buffer, key: string, change: (value: number) => number): Buffer {
  const length = Number(bytes.readBigUInt64LE(0));
  const [begin, end] = JSON.parse(bytes.subarray(8, 8 + length).toString("utf8"))[key].data_offsets;
  const copy = Buffer.from(bytes);
  for (let at = 8 + length + begin; at < 8 + length + end; at += 4) copy.writeFloatLE(change(copy.readFloatLE(at)), at);
  return copy;
}

/** Rewrites a safetensors header with `edit` (which may drop the last tensor in data order: its bytes go too). */
function rewriteHeader(bytes: Buffer, edit: (header: Record<string, any>) => void): Buffer {
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString("utf8"));
  const data = bytes.subarray(8 + length);
  edit(header);
  const end = Math.max(...Object.entries(header).filter(([k]) => k !== "__metadata__").map(([, v]: [string, any]) => v.data_offsets[1]));
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([prefix, json, data.subarray(0, end)]);
}

test("adapters: list, switch, blend, time, download and upload back, refuse corrupted files", async () => {
  const {page, problems} = await openPage(browser, origin, "/adapters");
  const dir = await mkdtemp(join(tmpdir(), "adapters-e2e-"));
  try {
    await waitForCells(page);

    // The shelf: three adapters from the build, each good on its own view (chance 20%).
    for (const view of ["mirrored", "flipped", "rot90"]) {
      const own = Number(await page.locator(`#adapters-shelf tr[data-adapter="${view}"] td[data-view="${view}"]`).getAttribute("data-accuracy"));
      expect(own).toBeGreaterThan(0.85);
    }

    // Switch away and back: the recovered W0 stays within float32 rounding of the file's.
    const switchText = page.locator("#adapters-switch");
    await page.locator("label", {hasText: /^upside down$/}).click();
    await expect.poll(() => switchText.getAttribute("data-active")).toBe("flipped");
    await page.locator("label", {hasText: /^rotated 90°$/}).click();
    await expect.poll(() => switchText.getAttribute("data-active")).toBe("rot90");
    await page.locator("label", {hasText: /^mirrored \(left ↔ right\)$/}).first().click();
    await expect.poll(() => switchText.getAttribute("data-active")).toBe("mirrored");
    expect(Number(await switchText.getAttribute("data-count"))).toBe(4);
    expect(Number(await switchText.getAttribute("data-max-drift"))).toBeLessThan(1e-5);

    // Blend: move the slider, the worker answers with finite accuracies for every view.
    const blend = page.locator("#adapters-blend");
    await page.locator("form", {hasText: "t (weight on the second)"}).locator("input[type=range]").fill("0.6");
    await expect.poll(() => blend.getAttribute("data-t"), {timeout: 15_000}).toBe("0.6");
    const accuracy = JSON.parse((await blend.getAttribute("data-accuracy")) ?? "{}") as Record<string, number>;
    expect(Object.keys(accuracy).sort()).toEqual(["flipped", "mirrored", "rot180", "rot90", "upright"]);
    for (const value of Object.values(accuracy)) expect(value).toBeGreaterThan(0.2);
    // Mirrored + upside down is rotated 180°: the blend beats the base there (43.5% at build time).
    expect(accuracy.rot180).toBeGreaterThan(0.6);

    // The batching limitation, timed in the page.
    await page.getByRole("button", {name: "Time it"}).click();
    const timing = page.locator("table#adapters-timing");
    await timing.waitFor({timeout: 30_000});
    for (const key of ["merged", "unmerged", "switching"]) expect(Number(await timing.getAttribute(`data-${key}`))).toBeGreaterThan(0);
    expect(Number(await timing.getAttribute("data-max-diff"))).toBeLessThan(1e-4);
    console.log(`batching timings (ms): merged ${await timing.getAttribute("data-merged")}, unmerged ${await timing.getAttribute("data-unmerged")}, switching ${await timing.getAttribute("data-switching")}`);

    // Download the adapter (F32) and the base, as files.
    const weights = await download(page, "download-weights", dir);
    const config = await download(page, "download-config", dir);
    const base = await download(page, "download-base", dir);
    expect(weights.name).toBe("adapter_model.safetensors");
    expect(config.name).toBe("adapter_config.json");
    expect(base.name).toBe("digits-base.safetensors");
    expect(JSON.parse(config.bytes.toString("utf8"))).toMatchObject({peft_type: "LORA", r: 4, lora_alpha: 8, target_modules: ["layers.0", "layers.2"]});
    const headerLength = Number(weights.bytes.readBigUInt64LE(0));
    expect(Object.keys(JSON.parse(weights.bytes.subarray(8, 8 + headerLength).toString("utf8")))).toContain("base_model.model.layers.0.lora_A.weight");
    expect(base.bytes.length).toBeGreaterThan(100_000);

    // Upload them back: applied, and the same predictions as the adapter they came from.
    const result = page.locator("#adapters-upload-result");
    await uploadInput(page).setInputFiles([weights.path, config.path]);
    await expect.poll(() => result.getAttribute("data-status"), {timeout: 15_000}).toBe("ok");
    expect(await result.getAttribute("data-match")).toBe("mirrored");
    expect(await result.getAttribute("data-same")).toBe(await result.getAttribute("data-total"));
    expect(Number(await result.getAttribute("data-max-logit-diff"))).toBe(0);

    // Corrupted files are refused, each with the reader's reason.
    const corrupt = async (name: string, bytes: Uint8Array, expected: RegExp) => {
      const path = join(dir, name, "adapter_model.safetensors");
      await import("node:fs/promises").then((fs) => fs.mkdir(join(dir, name), {recursive: true}));
      await writeFile(path, bytes);
      await uploadInput(page).setInputFiles([path, config.path]);
      await expect.poll(() => page.locator("#adapters-upload-error").textContent(), {timeout: 15_000}).toMatch(expected);
      expect(await result.getAttribute("data-status")).toBe("error");
    };
    await corrupt("truncated", weights.bytes.subarray(0, weights.bytes.length - 100), /safetensors: .*(cover|data section|runs past)/);
    const badLength = Buffer.from(weights.bytes);
    badLength.writeBigUInt64LE(10n ** 9n, 0);
    await corrupt("header", badLength, /header length/);
    const nonFinite = Buffer.from(weights.bytes);
    nonFinite.writeFloatLE(Number.NaN, nonFinite.length - 4);
    await corrupt("nan", nonFinite, /non-finite/);
    // Wrong shape: lora_A stored as [in, r] instead of [r, in] (same byte count, so only the shape check can catch it).
    await corrupt("shape", rewriteHeader(weights.bytes, (h) => h["base_model.model.layers.0.lora_A.weight"].shape.reverse()), /lora_A\.weight": shape \[196, 4\]/);
    // Missing key: drop the tensor stored last (and its bytes); its partner is left alone.
    await corrupt("missing", rewriteHeader(weights.bytes, (h) => {
      const last = Object.keys(h).filter((k) => k !== "__metadata__").sort((a, b) => h[b].data_offsets[1] - h[a].data_offsets[1])[0];
      delete h[last];
    }), /missing/);
    // A base-model file is not an adapter: no lora_A/lora_B keys.
    await corrupt("base", base.bytes, /unexpected key|no lora_A/);

    // Files that parse but would make the outputs non-finite: refused with the reason.
    const hostileConfig = join(dir, "alpha", "adapter_config.json");
    await import("node:fs/promises").then((fs) => fs.mkdir(join(dir, "alpha"), {recursive: true}));
    await writeFile(hostileConfig, JSON.stringify({...JSON.parse(config.bytes.toString("utf8")), lora_alpha: 1e308}));
    await uploadInput(page).setInputFiles([weights.path, hostileConfig]);
    await expect.poll(() => page.locator("#adapters-upload-error").textContent(), {timeout: 15_000}).toMatch(/scaling α\/r = 2\.5e\+307 overflows float32; the model's outputs would be non-finite/);
    await corrupt("huge", rewriteValues(weights.bytes, "base_model.model.layers.0.lora_A.weight", () => 1e38), /layers\.0: W0 \+ scaling·B·A reaches .* beyond float32's safe range/);

    // The message names the real cause of a difference: a changed weight is a different adapter, not rounding.
    await uploadInput(page).setInputFiles([await save(dir, "nudged", rewriteValues(weights.bytes, "base_model.model.layers.2.lora_B.weight", (x) => x * 1.5 + 0.01)), config.path]);
    await expect.poll(() => result.getAttribute("data-status"), {timeout: 15_000}).toBe("ok");
    expect(await result.textContent()).toMatch(/\(this adapter differs from the mirrored \(left ↔ right\) one\)\.$/);
    // An F16 download of the same adapter differs by rounding alone, and says so.
    await page.getByLabel("F16").check();
    const weights16 = await download(page, "download-weights", dir);
    await uploadInput(page).setInputFiles([weights16.path, config.path]);
    await expect.poll(() => result.textContent(), {timeout: 15_000}).toMatch(/\(F16 rounding: the file is this adapter stored in F16\)\.$/);
    expect(Number(await result.getAttribute("data-max-logit-diff"))).toBeGreaterThan(0);

    const text = (await page.locator("#observablehq-main").textContent()) ?? "";
    expect(text).not.toMatch(/NaN/);
    expect(describeProblems(problems, await cellErrors(page))).toEqual([]);
  } catch (error) {
    console.log(`screenshot: ${await screenshot(page, "adapters")}`);
    throw error;
  } finally {
    await page.context().close();
  }
});

test("adapters: the blend line rerun in the browser is the build's, blend for blend", async () => {
  const {page, problems} = await openPage(browser, origin, "/adapters");
  try {
    await waitForCells(page);
    const blend = page.locator("#adapters-blend");
    expect(await blend.getAttribute("data-source")).toBe("build");
    const built = JSON.parse((await blend.getAttribute("data-line")) ?? "[]");
    expect(built).toHaveLength(21);
    await page.getByRole("button", {name: "Rerun in your browser"}).click();
    await expect.poll(() => blend.getAttribute("data-source"), {timeout: 30_000}).toBe("browser");
    // The same lib code on the same WebAssembly kernels: the same accuracies, to the digit.
    expect(JSON.parse((await blend.getAttribute("data-line")) ?? "[]")).toEqual(built);
    expect(await page.locator(".adapters-blend-runbar").getAttribute("data-state")).toBe("done");
    expect(describeProblems(problems, await cellErrors(page))).toEqual([]);
  } catch (error) {
    console.log(`screenshot: ${await screenshot(page, "adapters-rerun")}`);
    throw error;
  } finally {
    await page.context().close();
  }
});

// The Fine-tune lab's task code: data formats round-trip, the split is fixed, the
// models have the shapes the config promises, the URL keeps every field, bad
// settings are caught by name, and a run is seeded, mergeable and honest about rank.
import {describe, expect, it} from "vitest";
import {matrix, maxAbsDiff, parameterCounts, rng, loadModelWeights, writeModelWeights} from "../../lib/index.js";
import {type LabSetup, LabRun, alphabet, methods, divergenceFactor, buildModel, cleanWords, concatDigits, decodeDigits, digits, digitsDataset, downsample, encodeDigits, isTestIndex, names, runToCompletion, sampleFromModel, selectDigits, setupFromQuery, setupToQuery, splitWords, tasks, validateSetup, wordWindows, type DigitSet, type TaskAssets} from "../../lib/site/index.js";
import {randomMatrix} from "./gradcheck.js";

/** A small DigitSet with recognisable bytes: image i is filled with (i·7) mod 256. */
function fakeDigits(perClass: number): DigitSet {
  const n = 10 * perClass, side = 14;
  const set: DigitSet = {side, pixels: new Uint8Array(n * side * side), labels: new Uint8Array(n), split: new Uint8Array(n)};
  for (let i = 0; i < n; i++) {
    set.pixels.fill((i * 7) % 256, i * side * side, (i + 1) * side * side);
    set.labels[i] = Math.floor(i / perClass);
    set.split[i] = isTestIndex(i % perClass) ? 1 : 0;
  }
  return set;
}

describe("digits data", () => {
  it("downsamples 28×28 to 14×14 by 2×2 means, rounded to bytes", () => {
    const image = new Float32Array(784);
    image[0] = 1; // top-left block: (1 + 0 + 0 + 0) / 4 = 0.25 -> 64
    for (const i of [28 * 2 + 2, 28 * 2 + 3, 28 * 3 + 2, 28 * 3 + 3]) image[i] = 1; // block (1, 1) all ones -> 255
    const small = downsample(image);
    expect(small.length).toBe(196);
    expect(small[0]).toBe(64);
    expect(small[14 + 1]).toBe(255);
    expect(small.reduce((n, v) => n + v, 0)).toBe(64 + 255);
    expect(() => downsample(new Float32Array(100))).toThrow(/28×28/);
  });

  it("encodes and decodes byte for byte", () => {
    const set = fakeDigits(10);
    const bytes = encodeDigits(set);
    expect(bytes.length).toBe(12 + 2 * 100 + 100 * 196);
    const back = decodeDigits(bytes.slice().buffer);
    expect(back.side).toBe(14);
    expect([...back.labels]).toEqual([...set.labels]);
    expect([...back.split]).toEqual([...set.split]);
    expect(Buffer.from(back.pixels).equals(Buffer.from(set.pixels))).toBe(true);
    expect(() => decodeDigits(new Uint8Array(20))).toThrow(/DIG1/);
    expect(() => decodeDigits(bytes.subarray(0, bytes.length - 1))).toThrow(/bytes/);
  });

  it("splits every fifth digit of each class into the test set, the same way every time", () => {
    expect([0, 1, 2, 3, 4, 5, 9, 14].map(isTestIndex)).toEqual([false, false, false, false, true, false, true, true]);
    const set = fakeDigits(10);
    const test = selectDigits(set, [5, 6, 7, 8, 9], "test");
    expect(test.labels.length).toBe(10); // 2 of 10 per class
    expect([...test.labels]).toEqual([5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
    const train = selectDigits(set, [5, 6, 7, 8, 9], "train", 3);
    expect([...train.labels]).toEqual([5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9]);
    expect(encodeDigits(selectDigits(set, [5, 6, 7, 8, 9], "test"))).toEqual(encodeDigits(test));
    const both = concatDigits([train, test]);
    expect(both.labels.length).toBe(25);
    expect([...both.split].filter((s) => s === 1).length).toBe(10);
  });

  it("turns bytes into [0, 1] inputs and labels 5..9 into classes 0..4", () => {
    const set = selectDigits(fakeDigits(5), [5, 9], "train", 1);
    const {inputs, targets} = digitsDataset(set, [5, 6, 7, 8, 9]);
    expect([inputs.rows, inputs.cols]).toEqual([2, 196]);
    expect([...targets]).toEqual([0, 4]);
    expect(inputs.data[0]).toBeCloseTo(set.pixels[0] / 255, 6);
    expect(() => digitsDataset(set, [0, 1])).toThrow(/not one of/);
  });
});

describe("names data", () => {
  it("cleans words: lowercase a–z, 2..15 letters, no duplicates", () => {
    expect(cleanWords(["Emma", "emma", "Jo-Ann", "a", "Zoë", "Bob", "abcdefghijklmnop"])).toEqual(["emma", "bob"]);
  });

  it("makes makemore's context windows, with '.' padding and end marks", () => {
    const {inputs, targets} = wordWindows(["emma"], 3);
    const letters = (ids: ArrayLike<number>) => Array.from(ids, (id) => alphabet[id]).join("");
    expect(inputs.rows).toBe(5);
    expect(Array.from({length: 5}, (_, i) => letters(inputs.data.subarray(3 * i, 3 * i + 3)))).toEqual(["...", "..e", ".em", "emm", "mma"]);
    expect(letters(targets)).toBe("emma.");
  });

  it("splits every fifth word out for testing", () => {
    const {train, test} = splitWords(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]);
    expect(test).toEqual(["e", "j"]);
    expect(train).toHaveLength(8);
  });

  it("samples the same words from the same seed", () => {
    const model = buildModel(tasks.names, 3);
    const first = sampleFromModel(model, 3, 5, rng(1)), second = sampleFromModel(model, 3, 5, rng(1));
    expect(second).toEqual(first);
    for (const w of first) expect(w).toMatch(/^[a-z]*$/);
  });
});

describe("base models", () => {
  it("digits: 196 → 128 → 64 → 5 with the layer names the config lists", () => {
    const model = buildModel(tasks.digits, 1);
    expect(model.forward(randomMatrix(3, 196, 1)).cols).toBe(5);
    const linear = model.namedModules().filter(([, m]) => m.kind === "Linear").map(([n]) => n);
    expect(linear).toEqual(digits.layers.map((l) => l.name));
    expect(parameterCounts(model).total).toBe(196 * 128 + 128 + 128 * 64 + 64 + 64 * 5 + 5);
  });

  it("names: (B, 3) letter ids → (B, 27) logits, with layers embed, hidden, out", () => {
    const model = buildModel(tasks.names, 1);
    const ids = matrix(2, 3, Float32Array.from([0, 0, 5, 1, 2, 3]));
    const logits = model.forward(ids);
    expect([logits.rows, logits.cols]).toEqual([2, 27]);
    expect(model.namedModules().map(([n]) => n)).toEqual(["", "embed", "hidden", "act", "out"]);
    for (const l of names.layers) expect(model.namedModules().some(([n]) => n === l.name)).toBe(true);
  });

  it("chance is one over the classes the model's head outputs (what the charts draw and a run is warned against)", () => {
    expect(tasks.digits.chance).toBe(1 / buildModel(tasks.digits, 1).forward(randomMatrix(1, 196, 1)).cols);
    expect(tasks.digits.chance).toBe(1 / digits.targetClasses.length);
    expect(tasks.names.chance).toBe(1 / buildModel(tasks.names, 1).forward(matrix(1, 3)).cols);
    expect(tasks.names.chance).toBe(1 / alphabet.length);
  });

  it("base weights round-trip exactly through safetensors and load by name", () => {
    const model = buildModel(tasks.digits, 4);
    const bytes = writeModelWeights(model);
    const copy = buildModel(tasks.digits, 99);
    loadModelWeights(copy, bytes.slice());
    const x = randomMatrix(4, 196, 2);
    expect(maxAbsDiff(copy.forward(x), model.forward(x))).toBe(0);
    expect(() => loadModelWeights(buildModel(tasks.names, 1), bytes)).toThrow(/missing from the file/);
    expect(() => loadModelWeights(copy, new Uint8Array(16))).toThrow(/safetensors|header/i);
  });
});

describe("setup: URL and validation", () => {
  it("the query string keeps every field, seed included", () => {
    const setup: LabSetup = {...digits.defaults, targets: ["layers.2"], rank: 7, alpha: 3.5, scaling: "alpha/sqrt-r", init: "gaussian", lr: 0.0007, seed: 42, method: "lora"};
    expect(setupFromQuery(setupToQuery(setup))).toEqual({setup, messages: []});
    expect(setupFromQuery("")).toEqual({setup: {...digits.defaults, targets: [...digits.defaults.targets]}, messages: []});
    expect(setupFromQuery("task=names").setup.targets).toEqual(["hidden", "out"]);
    expect(setupFromQuery("r=500").setup.rank).toBe(500); // numbers that parse are kept, for validation to name
  });

  it("a value it cannot use takes the default and says so, never NaN or an inherited key", () => {
    expect(setupFromQuery("method=bogus")).toEqual({setup: expect.objectContaining({method: "lora"}), messages: [`method "bogus" is not one of ${methods.map((m) => m.id).join(", ")}: using lora`]});
    expect(setupFromQuery("r=abc")).toEqual({setup: expect.objectContaining({rank: 4}), messages: ['r "abc" is not a number: using 4']});
    for (const strict of ["0x10", "0b1", "Infinity", "1e999", "4px", ""]) {
      const {setup, messages} = setupFromQuery(`r=${strict}`);
      expect([setup.rank, messages.length], strict).toEqual([4, 1]);
    }
    expect(setupFromQuery("lr=3e-3&r=+8&alpha=.5").setup).toEqual(expect.objectContaining({lr: 0.003, rank: 8, alpha: 0.5}));
    for (const inherited of ["toString", "__proto__", "constructor", "hasOwnProperty", "valueOf"]) {
      const {setup, messages} = setupFromQuery(`task=${inherited}&method=${inherited}&init=${inherited}`);
      expect(setup.task).toBe("digits");
      expect(setup.method).toBe("lora");
      expect(messages[0]).toBe(`task "${inherited}" is not one of digits, names, gpt: showing digits`);
      expect(validateSetup({...setup, task: inherited as LabSetup["task"]}).task).toMatch(/unknown task/);
    }
    // A cleared field never writes NaN into the URL: it is left out, and the default comes back.
    expect(setupToQuery({...digits.defaults, targets: [...digits.defaults.targets], rank: NaN})).not.toMatch(/NaN|(^|&)r=/);
  });

  it("cuts long values in messages, so an 8,000-character URL value cannot widen the page", () => {
    const long = "x".repeat(8000);
    const {setup, messages} = setupFromQuery(`task=${long}&targets=${long},${long}`);
    expect(messages[0].length).toBeLessThan(120);
    const error = validateSetup(setup).targets!;
    expect(error.length).toBeLessThan(200);
    expect(error).toContain("…");
    const many = validateSetup({...setup, targets: ["a", "b", "c", "d", "e"]}).targets!;
    expect(many).toMatch(/^"a", "b", "c" and 2 more cannot be adapted/);
  });

  it("the defaults are valid; bad settings are named with a reason", () => {
    expect(validateSetup({...digits.defaults, targets: [...digits.defaults.targets]})).toEqual({});
    expect(validateSetup({...names.defaults, targets: [...names.defaults.targets]})).toEqual({});
    const bad = (patch: Partial<LabSetup>) => validateSetup({...digits.defaults, targets: [...digits.defaults.targets], ...patch});
    expect(bad({rank: 65}).rank).toMatch(/layers\.2.*min\(64, 128\) = 64/);
    expect(bad({rank: 64})).toEqual({});
    expect(bad({rank: 0}).rank).toMatch(/≥ 1/);
    expect(validateSetup({...names.defaults, targets: ["out"], rank: 28}).rank).toMatch(/= 27/);
    expect(bad({lr: 0}).lr).toMatch(/> 0/);
    expect(bad({lr: -1}).lr).toMatch(/> 0/);
    expect(bad({lr: 1e6}).lr).toMatch(/too large/);
    expect(bad({lr: NaN}).lr).toMatch(/> 0/);
    expect(bad({steps: 0}).steps).toBeDefined();
    expect(bad({steps: 1e7}).steps).toBeDefined();
    expect(bad({steps: 2.5}).steps).toBeDefined();
    expect(bad({batchSize: 0}).batchSize).toBeDefined();
    expect(bad({targets: []}).targets).toMatch(/at least one/);
    expect(bad({targets: ["layers.4"]}).targets).toMatch(/cannot be adapted/); // the new head is trained in full instead
    expect(bad({dropout: 1}).dropout).toBeDefined();
    expect(bad({method: "full", rank: 1000})).toEqual({}); // LoRA fields do not matter for other methods
  });
});

describe("LabRun", () => {
  // A digits-shaped task on random data: fast, and enough to check the mechanics.
  function fakeAssets(scale = 1): TaskAssets {
    const base = writeModelWeights(buildModel(tasks.digits, 5));
    const data = (n: number, seed: number) => {
      const inputs = randomMatrix(n, 196, seed);
      for (let i = 0; i < inputs.data.length; i++) inputs.data[i] *= scale;
      return {inputs, targets: Int32Array.from({length: n}, (_, i) => i % 5)};
    };
    return {base, train: data(64, 1), test: data(40, 2)};
  }
  const setup = (patch: Partial<LabSetup> = {}): LabSetup => ({...digits.defaults, targets: [...digits.defaults.targets], steps: 12, batchSize: 16, ...patch});

  it("the same setup gives the same losses; another seed does not", () => {
    const assets = fakeAssets();
    const a = runToCompletion(setup(), assets), b = runToCompletion(setup(), assets);
    expect(a.status).toBe("done");
    expect(b.curve).toEqual(a.curve);
    expect(runToCompletion(setup({seed: 2}), assets).curve).not.toEqual(a.curve);
  });

  it("counts what each method trains: LoRA's A and B plus the new head, everything, or the head", () => {
    const assets = fakeAssets();
    const lora = runToCompletion(setup(), assets), full = runToCompletion(setup({method: "full"}), assets), head = runToCompletion(setup({method: "head"}), assets);
    const headSize = 64 * 5 + 5;
    expect(lora.trainable).toBe(4 * (196 + 128) + 4 * (128 + 64) + headSize);
    expect(full.trainable).toBe(full.total);
    expect(head.trainable).toBe(headSize);
    expect(full.optimizerBytes).toBe(full.trainable * 2 * 4); // Adam: two float32 moments per parameter
    expect(lora.adapterBytes).toBe(lora.trainable * 4);
    expect(full.trainable / lora.trainable).toBeGreaterThan(10);
    expect(head.spectra).toEqual([]);
  });

  it("merging changes no prediction, and LoRA's ΔW has rank r while full fine-tuning's does not", () => {
    const assets = fakeAssets();
    const lora = runToCompletion(setup({rank: 3}), assets);
    expect(lora.merge!.maxAbsLogitDiff).toBeLessThan(1e-4);
    expect(lora.merge!.sameArgmax).toBe(lora.merge!.examples);
    for (const s of lora.spectra) {
      expect(s.singular[2]).toBeGreaterThan(1e-4 * s.singular[0]);
      expect(s.singular[3]).toBeLessThan(1e-5 * s.singular[0]); // numerically zero beyond r
      expect(s.effectiveRank).toBeLessThanOrEqual(3);
    }
    const full = runToCompletion(setup({method: "full"}), assets);
    expect(full.spectra.map((s) => s.layer)).toEqual(["layers.0", "layers.2"]);
    expect(full.spectra[0].singular[3]).toBeGreaterThan(1e-3 * full.spectra[0].singular[0]);
  });

  it("evaluates at step 0, every evalEvery steps and at the end", () => {
    const run = runToCompletion(setup({steps: 45}), fakeAssets());
    expect(run.evals.map((e) => e.step)).toEqual([0, 20, 40, 45]);
  });

  it("rejects an invalid setup by field, and ends a non-finite run as diverged, with what to try", () => {
    expect(() => new LabRun(setup({rank: 500}), fakeAssets())).toThrow(/rank/);
    const diverged = runToCompletion(setup({method: "full"}), fakeAssets(1e38));
    expect(diverged.status).toBe("diverged");
    expect(diverged.error).toMatch(/^Training diverged at step \d+: the loss is (NaN|Infinity)\. Try a learning rate 10× smaller \(lr 0\.0003 instead of 0\.003\)\.$/);
    expect(diverged.spectra).toEqual([]); // no analysis of NaN weights
  });

  it("ends a run whose loss grows divergenceFactor× past its first value as diverged, early", () => {
    const run = new LabRun(setup({method: "full", lr: 10, steps: 200}), fakeAssets(3));
    while (!run.done) run.advance();
    const result = run.result();
    expect(result.status).toBe("diverged");
    expect(result.error).toMatch(/Try a learning rate 10× smaller \(lr 1 instead of 10\)/);
    expect(run.stepCount).toBeLessThan(200);
    const losses = result.curve.map((p) => p.loss);
    const grew = losses.at(-1)! >= divergenceFactor * losses[0];
    // Either the last loss is 10× the first, or the step after it was not finite.
    expect(grew || /is (NaN|Infinity)/.test(result.error!)).toBe(true);
    // Every earlier loss stayed under the threshold: it stopped at the first step past it.
    expect(losses.slice(0, -1).every((loss) => loss < divergenceFactor * losses[0])).toBe(true);
  });
});

describe("the loaders' tar writer", () => {
  it("writes archives that tar(1) lists and extracts byte for byte", async () => {
    const {tar} = await import("../../src/data/lab-tar.ts");
    const {execFileSync} = await import("node:child_process");
    const {mkdtempSync, writeFileSync, readFileSync} = await import("node:fs");
    const {join} = await import("node:path");
    const {tmpdir} = await import("node:os");
    const payload = Uint8Array.from({length: 1000}, (_, i) => (i * 31) % 256);
    const archive = tar([{name: "a.bin", bytes: payload}, {name: "empty.txt", bytes: new Uint8Array(0)}]);
    expect(archive.length % 512).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "lab-tar-"));
    writeFileSync(join(dir, "x.tar"), archive);
    expect(execFileSync("tar", ["-tf", "x.tar"], {cwd: dir, encoding: "utf8"}).trim().split("\n")).toEqual(["a.bin", "empty.txt"]);
    execFileSync("tar", ["-xf", "x.tar"], {cwd: dir});
    expect(Buffer.from(readFileSync(join(dir, "a.bin"))).equals(Buffer.from(payload))).toBe(true);
    expect(tar([{name: "a", bytes: payload}])).toEqual(tar([{name: "a", bytes: payload}])); // deterministic
  });
});

// The Variants page's experiments: every compared method trains on the lab's digits shapes,
// forgetting is measured against the pretrained head (zero at step 0 for the methods that start
// at the base), and merging into NF4 loses a small ΔW and keeps a large one.
import {describe, expect, it} from "vitest";
import {evaluate, loadModelWeights, matrix, rng, writeModelWeights} from "../../lib/index.js";
import {ComparisonRun, buildModel, comparisonMethods, defaultComparison, nf4MergeSweep, rankSweep, runComparison, tasks, type TaskAssets} from "../../lib/site/index.js";
import {randomMatrix} from "./gradcheck.js";

function fakeAssets(): {assets: TaskAssets; source: {inputs: ReturnType<typeof matrix>; targets: Int32Array}} {
  const base = writeModelWeights(buildModel(tasks.digits, 5));
  const data = (n: number, seed: number) => ({inputs: randomMatrix(n, 196, seed), targets: Int32Array.from({length: n}, (_, i) => (i * 7) % 5)});
  return {assets: {base, train: data(64, 1), test: data(40, 2)}, source: data(50, 3)};
}

describe("the method comparison", () => {
  const {assets, source} = fakeAssets();

  it("runs every method on the same setup: the loss falls, nothing is NaN, and each counts what it trains", () => {
    const results = defaultComparison(25).map((spec) => runComparison(spec, assets, source));
    expect(results.map((r) => r.spec.id)).toEqual(comparisonMethods.map((m) => m.id));
    for (const r of results) {
      expect(r.status, r.label).toBe("done");
      const losses = r.curve.map((p) => p.loss);
      expect(losses.every(Number.isFinite), r.label).toBe(true);
      const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
      expect(mean(losses.slice(-5)), r.label).toBeLessThan(mean(losses.slice(0, 5)));
      expect(r.stepMs).toBeGreaterThan(0);
    }
    const trainable = Object.fromEntries(results.map((r) => [r.spec.id, r.trainable]));
    const head = 64 * 5 + 5;
    expect(trainable.lora).toBe(4 * (196 + 128) + 4 * (128 + 64) + head);
    expect(trainable.dora).toBe(trainable.lora + 128 + 64); // + one magnitude per output row
    expect(trainable.vera).toBe(4 + 128 + 4 + 64 + head); // λ_d (r) + λ_b (out) per layer
    expect(trainable.pissa).toBe(trainable.lora);
    // LoRA+ changes only B's learning rate, so it starts like LoRA and then differs.
    expect(results[2].curve[0].loss).toBeCloseTo(results[0].curve[0].loss, 6);
    expect(results[2].curve[24].loss).not.toBeCloseTo(results[0].curve[24].loss, 4);
  });

  it("measures forgetting with the pretrained head: none at step 0 for methods that start at the base", () => {
    const pretrained = buildModel(tasks.digits, 0);
    loadModelWeights(pretrained, assets.base);
    const before = evaluate(pretrained, source).accuracy;
    for (const id of ["lora", "dora", "pissa", "vera", "full"]) {
      const r = new ComparisonRun({id, rank: 4, steps: 10, seed: 1}, assets, source).result();
      expect([r.sourceBefore, r.sourceAfter], id).toEqual([before, before]);
    }
    const full = runComparison({id: "full", rank: 4, steps: 40, seed: 1}, assets, source);
    expect(full.sourceAfter).not.toBe(full.sourceBefore);
  });

  it("sweeps LoRA and rsLoRA over the ranks", () => {
    expect(rankSweep([1, 64], 10).map((s) => `${s.id}@${s.rank}`)).toEqual(["lora@1", "rslora@1", "lora@64", "rslora@64"]);
  });
});

describe("merging into an NF4 base", () => {
  it("changes the outputs more as ΔW grows, and keeps almost none of a tiny ΔW but most of a large one", () => {
    const weight = randomMatrix(32, 64, 4, 0.1);
    const inputs = randomMatrix(20, 64, 5);
    const points = nf4MergeSweep(weight, inputs, [1e-4, 1e-3, 1e-2, 1e-1, 1], rng(6));
    const changes = points.map((p) => p.outputChange);
    expect(changes.every((c) => c > 0)).toBe(true);
    expect(changes[4]).toBeGreaterThan(changes[0]);
    expect(points[0].kept).toBeLessThan(0.5);
    expect(points[4].kept).toBeGreaterThan(0.9);
  });
});

describe("QLoRA's memory from the savings formulas", () => {
  it("stores a frozen weight in 4 + 8/64 + 32/(64·256) bits and fits 65B with an r = 64 adapter under 48 GB", async () => {
    const {customModel, loraParameters, matrixGroups, nf4BitsPerParameter, qloraMemory} = await import("../../lib/site/index.js");
    expect(nf4BitsPerParameter).toBeCloseTo(4.127, 3);
    const trainable = loraParameters(customModel({layers: 80, dModel: 8192, dFF: 22016, heads: 64, gatedMLP: true}), {matrices: matrixGroups, rank: 64});
    expect(trainable).toBe(80 * 64 * (4 * (8192 + 8192) + 3 * (8192 + 22016)));
    const memory = qloraMemory(65e9, trainable);
    expect(memory.total).toBeCloseTo((65e9 * nf4BitsPerParameter) / 8 + 16 * trainable, -3);
    expect(memory.total).toBeLessThan(48e9);
  });
});

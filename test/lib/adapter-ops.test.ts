// Switching, blending and concatenating adapters: the paper's "subtract BA, add B'A'"
// restores W0 to float32 rounding; a blend is Σ w_i·s_i·B_i·A_i (checked against a
// plain triple loop), which averaging the factors is not; and "cat" stacks the
// factors so that B·A equals that blend exactly in exact arithmetic.
import {describe, expect, it} from "vitest";
import {type Adapter, LoRALinear, Linear, MLP, type Matrix, applyAdapter, blendAdapters, catAdapters, clone, factorBlend, findModule, layerDelta, loraLayers, matmul, maxAbsDiff, mergeLoRA, rng, switchAdapter, unmergeLoRA} from "../../lib/index.js";
import {adaptedMLP, snapshot} from "./adapter-fixtures.js";

const first = adaptedMLP({seed: 1, rank: 2, alpha: 4}).adapter;
const second = adaptedMLP({seed: 2, rank: 3, alpha: 3, rsLoRA: true}).adapter;

const baseWeight = (model: MLP, path: string): Matrix => {
  const module = findModule(model, path);
  return (module instanceof LoRALinear ? module.base : (module as Linear)).weight.value;
};

/** W0 + ΔW for `adapter`, computed on a fresh copy of the base model. */
function freshMerge(adapter: Adapter): MLP {
  const model = new MLP([6, 8, 8, 3], rng(100));
  applyAdapter(model, adapter);
  mergeLoRA(model);
  return model;
}

/** Σ_i w_i · s_i · Σ_k B_i[o, k]·A_i[k, j], entry by entry, with no library matmul. */
function referenceBlend(adapters: Adapter[], weights: number[], path: string): number[][] {
  const {B, A} = adapters[0].layers[path];
  return Array.from({length: B.rows}, (_, o) => Array.from({length: A.cols}, (_, j) => {
    let total = 0;
    adapters.forEach((adapter, i) => {
      const layer = adapter.layers[path];
      for (let k = 0; k < layer.A.rows; k++) total += weights[i] * layer.scaling * layer.B.data[o * layer.B.cols + k] * layer.A.data[k * layer.A.cols + j];
    });
    return total;
  }));
}

const maxDiffRows = (m: Matrix, rows: number[][]) => Math.max(...rows.flatMap((row, i) => row.map((v, j) => Math.abs(m.data[i * m.cols + j] - v))));

describe("switchAdapter", () => {
  it("switching equals a fresh merge of the other adapter, and switching back then unmerging restores W0", () => {
    const w0 = ["layers.0", "layers.2"].map((p) => clone(baseWeight(new MLP([6, 8, 8, 3], rng(100)), p)));
    const {model} = adaptedMLP({seed: 1, rank: 2, alpha: 4});
    mergeLoRA(model);

    const previous = switchAdapter(model, second);
    expect(previous).toEqual(first);
    const expected = freshMerge(second);
    for (const path of ["layers.0", "layers.2"]) {
      expect(maxAbsDiff(baseWeight(model, path), baseWeight(expected, path)), path).toBeLessThan(1e-6);
      expect(maxAbsDiff(baseWeight(model, path), baseWeight(expected, path)), path).toBeGreaterThan(0); // rounding, not identity
      expect((findModule(model, path) as LoRALinear).rank).toBe(3);
    }
    expect(loraLayers(model).every(([, layer]) => layer.isMerged)).toBe(true);

    expect(switchAdapter(model, previous!)).toEqual(second);
    unmergeLoRA(model);
    ["layers.0", "layers.2"].forEach((path, i) => {
      const diff = maxAbsDiff(baseWeight(model, path), w0[i]);
      expect(diff, path).toBeLessThan(1e-6);
    });
  });

  it("removes LoRA layers the next adapter does not cover, and restores saved modules on the way back", () => {
    const {model, adapter} = adaptedMLP({seed: 4, modulesToSave: ["layers.4"]});
    const onlyFirst: Adapter = {config: first.config, layers: {"layers.0": first.layers["layers.0"]}, saved: {"layers.4": {
      weight: {rows: 3, cols: 8, data: new Float32Array(24).fill(0.5)}, bias: {rows: 1, cols: 3, data: new Float32Array(3)}
    }}};
    mergeLoRA(model);
    const previous = switchAdapter(model, onlyFirst)!;
    expect(loraLayers(model).map(([name]) => name)).toEqual(["layers.0"]);
    expect(findModule(model, "layers.2")).toBeInstanceOf(Linear);
    expect(baseWeight(model, "layers.4").data.every((v) => v === 0.5)).toBe(true);
    expect(previous.saved["layers.4"]).toEqual(adapter.saved["layers.4"]);
    switchAdapter(model, previous);
    expect(findModule(model, "layers.4").ownParameters()[0].value).toEqual(adapter.saved["layers.4"].weight);
  });

  it("a bad adapter changes nothing", () => {
    const {model} = adaptedMLP();
    mergeLoRA(model);
    const before = snapshot(model);
    const wide = adaptedMLP({sizes: [7, 8, 8, 3]}).adapter;
    expect(() => switchAdapter(model, wide)).toThrow(/layers.0: A is 2×7, expected 2×6/);
    expect(snapshot(model)).toEqual(before);
  });
});

describe("blendAdapters", () => {
  it("computes Σ w_i · s_i · B_i·A_i per module", () => {
    const weights = [0.7, -0.3];
    const blended = blendAdapters([first, second], weights);
    expect(Object.keys(blended)).toEqual(["layers.0", "layers.2"]);
    for (const path of ["layers.0", "layers.2"]) {
      expect(maxDiffRows(blended[path], referenceBlend([first, second], weights, path)), path).toBeLessThan(1e-5);
    }
    expect(maxAbsDiff(blendAdapters([first, second], [1, 0])["layers.2"], layerDelta(first.layers["layers.2"]))).toBe(0);
  });

  it("is not what averaging the factors gives: (Σ w_i B_i)(Σ w_i A_i) has cross terms", () => {
    const other = adaptedMLP({seed: 9, rank: 2, alpha: 4}).adapter; // same rank and scaling, so the factors can be averaged
    const weights = [0.5, 0.5];
    const {A: a1, B: b1, scaling} = first.layers["layers.2"];
    const {A: a2, B: b2} = other.layers["layers.2"];
    const averagedA = {rows: a1.rows, cols: a1.cols, data: a1.data.map((v, i) => 0.5 * v + 0.5 * a2.data[i])};
    const averagedB = {rows: b1.rows, cols: b1.cols, data: b1.data.map((v, i) => 0.5 * v + 0.5 * b2.data[i])};
    const factorAverage = matmul(averagedB, averagedA);
    factorAverage.data.forEach((v, i) => (factorAverage.data[i] = v * scaling));
    const blended = blendAdapters([first, other], weights)["layers.2"];
    expect(maxDiffRows(blended, referenceBlend([first, other], weights, "layers.2"))).toBeLessThan(1e-5);
    expect(maxAbsDiff(blended, factorAverage)).toBeGreaterThan(0.1);
  });

  it("checks weights and modules", () => {
    expect(() => blendAdapters([first, second], [1, NaN])).toThrow(/weight 1 must be a finite number, got NaN/);
    expect(() => blendAdapters([first, second], [1])).toThrow(/2 adapters but 1 weights/);
    expect(() => blendAdapters([], [])).toThrow(/at least one adapter/);
    const partial: Adapter = {...second, layers: {"layers.0": second.layers["layers.0"]}};
    expect(() => blendAdapters([first, partial], [1, 1])).toThrow(/adapter 1 targets \[layers.0\] but adapter 0 targets \[layers.0, layers.2\]/);
    const wide = adaptedMLP({sizes: [7, 8, 8, 3]}).adapter;
    expect(() => catAdapters([first, wide], [1, 1])).toThrow(/adapter 1 has layers.0 as 8×7 \(out × in\), adapter 0 as 8×6/);
  });
});

describe("catAdapters", () => {
  const weights = [0.7, -0.3];
  const cat = catAdapters([first, second], weights);

  it("stacks A along the rank axis with w_i·s_i and B side by side, rank r1 + r2, scaling 1", () => {
    expect(cat.config).toEqual({rank: 5, alpha: 5, rsLoRA: false, dropout: 0});
    const {A, B, scaling} = cat.layers["layers.2"];
    expect([A.rows, A.cols, B.rows, B.cols, scaling]).toEqual([5, 8, 8, 5, 1]);
    // Row 3 of A is row 1 of second's A times w_2·s_2; column 4 of B is column 2 of second's B.
    const s2 = second.layers["layers.2"];
    expect(A.data[3 * 8 + 5]).toBe(Math.fround(-0.3 * s2.scaling * s2.A.data[1 * 8 + 5]));
    expect(B.data[6 * 5 + 4]).toBe(s2.B.data[6 * 3 + 2]);
  });

  it("B·A equals the blend Σ w_i·s_i·B_i·A_i", () => {
    for (const path of ["layers.0", "layers.2"]) {
      expect(maxDiffRows(layerDelta(cat.layers[path]), referenceBlend([first, second], weights, path)), path).toBeLessThan(1e-5);
    }
  });

  it("merges like any adapter: W = W0 + the blend", () => {
    const model = freshMerge(cat);
    const base = new MLP([6, 8, 8, 3], rng(100));
    const blended = blendAdapters([first, second], weights);
    for (const path of ["layers.0", "layers.2"]) {
      const expected = clone(baseWeight(base, path));
      expected.data.forEach((v, i) => (expected.data[i] = v + blended[path].data[i]));
      expect(maxAbsDiff(baseWeight(model, path), expected), path).toBeLessThan(1e-5);
    }
  });

  it("refuses adapters with modules_to_save", () => {
    const saving = adaptedMLP({modulesToSave: ["layers.4"]}).adapter;
    expect(() => catAdapters([first, saving], [1, 1])).toThrow(/adapter 1 has modules_to_save/);
  });
});

/** Σ_i Σ_j u_i · v_j · s · B_i[o, ·]·A_j[·, c], entry by entry: a factor-wise blend with factor weights u (on B) and v (on A). */
function referenceFactorBlend(adapters: Adapter[], u: number[], v: number[], scaling: number, path: string): number[][] {
  const {B, A} = adapters[0].layers[path];
  return Array.from({length: B.rows}, (_, o) => Array.from({length: A.cols}, (_, c) => {
    let total = 0;
    adapters.forEach((left, i) => adapters.forEach((right, j) => {
      for (let k = 0; k < A.rows; k++) total += u[i] * v[j] * scaling * left.layers[path].B.data[o * B.cols + k] * right.layers[path].A.data[k * A.cols + c];
    }));
    return total;
  }));
}

describe("factor-wise blends (LoraHub, PEFT's linear)", () => {
  const one = adaptedMLP({seed: 3, rank: 2, alpha: 4}).adapter;
  const two = adaptedMLP({seed: 4, rank: 2, alpha: 4}).adapter;
  const w = [0.7, 0.4];

  it("LoraHub: ΔW = s·(Σ w_i B_i)(Σ w_j A_j), cross terms included", () => {
    const hub = factorBlend([one, two], w);
    for (const path of ["layers.0", "layers.2"]) {
      expect(maxDiffRows(layerDelta(hub.layers[path]), referenceFactorBlend([one, two], w, w, 2, path)), path).toBeLessThan(1e-5);
    }
  });

  it("is not the product-wise blend: the difference is exactly the cross terms", () => {
    const hub = factorBlend([one, two], w);
    const squared = blendAdapters([one, two], w.map((x) => x * x)); // the diagonal terms w_i²·s·B_i·A_i
    const cross = referenceFactorBlend([one, two], [w[0], 0], [0, w[1]], 2, "layers.2"); // w_1 w_2 s B_1 A_2
    const crossBack = referenceFactorBlend([one, two], [0, w[1]], [w[0], 0], 2, "layers.2"); // w_2 w_1 s B_2 A_1
    const delta = layerDelta(hub.layers["layers.2"]);
    const residual = cross.map((row, o) => row.map((x, c) => x + crossBack[o][c] + squared["layers.2"].data[o * delta.cols + c]));
    expect(maxDiffRows(delta, residual)).toBeLessThan(1e-5);
    expect(maxDiffRows(delta, referenceBlend([one, two], w, "layers.2"))).toBeGreaterThan(1e-2); // a real difference
  });

  it("PEFT's linear: factors weighted by √(w·s), scaling 1, so one adapter at weight w gives w·s·B·A", () => {
    const linear = factorBlend([one, two], [0.5, 0], {mode: "peft-linear"});
    expect(linear.layers["layers.0"].scaling).toBe(1);
    expect(linear.config.alpha).toBe(2);
    for (const path of ["layers.0", "layers.2"]) {
      expect(maxDiffRows(layerDelta(linear.layers[path]), referenceBlend([one, two], [0.5, 0], path)), path).toBeLessThan(1e-5);
    }
  });

  it("refuses what cannot be mixed factor by factor", () => {
    expect(() => factorBlend([one, second], [1, 1])).toThrow(/needs one rank; adapter 1 has r = 3/);
    expect(() => factorBlend([one, adaptedMLP({seed: 5, rank: 2, alpha: 2}).adapter], [1, 1])).toThrow(/one scaling/);
    expect(() => factorBlend([one, two], [1, -1], {mode: "peft-linear"})).toThrow(/weight 1 must be ≥ 0/);
  });
});

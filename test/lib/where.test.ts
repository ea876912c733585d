// The "Where to put LoRA" experiments: the budget arithmetic of Table 5 (exact, and
// equal to what injectLoRA really trains), seeded regression values of a run, and the
// subspace similarity (eq. 4) between r = 8 and r = 64 adapters of trained W_q and W_v.
import {describe, expect, it} from "vitest";
import {GPT, charVocabulary, encodeText, injectLoRA, parameterCounts, rng, subspaceSimilarityGrid, writeModelWeights} from "../../lib/index.js";
import {
  TARGET_SETS, WhereRun, defaultSettings, planLearningRates, planTable5, planTable6, summarize, type WhereAssets, type WhereSetup, baseLoss, loraParametersPerRank, rankForBudget, runWhere, targetSet, whereDefaults
} from "../../lib/site/index.js";

// The page's GPT shape (src/data/gpt-config.ts): d = 64, 4 heads, 2 blocks, MLP 256 wide.
const pageShape = {vocabSize: 39, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 64};

describe("Table 5's budget", () => {
  it("costs r·(in + out) per adapted Linear: exact counts for the page's GPT", () => {
    const model = new GPT(pageShape, rng(1));
    const perRank = Object.fromEntries(TARGET_SETS.map((s) => [s.id, loraParametersPerRank(model, s.targets)]));
    // 2 blocks × (64 + 64) per attention matrix; 2 × ((64 + 256) + (256 + 64)) for the MLP.
    expect(perRank).toEqual({q: 256, k: 256, v: 256, o: 256, qk: 512, qv: 512, qkvo: 1024, mlp: 1280, all: 2304});
  });

  it("holds the default budget as the paper did: one type r = 20, two r = 10, four r = 5, MLP r = 4, all r = 2", () => {
    const model = new GPT(pageShape, rng(1));
    const ranks = Object.fromEntries(TARGET_SETS.map((s) => [s.id, rankForBudget(model, s.targets, whereDefaults.budget)]));
    expect(ranks).toEqual({q: 20, k: 20, v: 20, o: 20, qk: 10, qv: 10, qkvo: 5, mlp: 4, all: 2});
  });

  it("matches what injectLoRA really makes trainable", () => {
    for (const id of ["qv", "mlp", "all"]) {
      const model = new GPT(pageShape, rng(1));
      const {targets} = targetSet(id);
      const rank = rankForBudget(model, targets, whereDefaults.budget);
      injectLoRA(model, {targetModules: targets, rank}, rng(2));
      expect(parameterCounts(model).trainable).toBe(rank * loraParametersPerRank(model, targets));
    }
  });

  it("says why a budget or a target set cannot work", () => {
    const model = new GPT(pageShape, rng(1));
    expect(() => rankForBudget(model, ["up_proj", "down_proj"], 1000)).toThrow(/below one rank .* \(1280 parameters\)/);
    expect(() => loraParametersPerRank(model, ["w_proj"])).toThrow(/match no Linear layer/);
    expect(() => targetSet("z")).toThrow(/unknown target set "z"; known: q, k/);
  });
});

describe("the page's plan", () => {
  it("names every run once: 9 rows × 3 seeds, 3 sets × 5 ranks × 3 seeds, 3 methods × 6 rates", () => {
    const model = new GPT(pageShape, rng(1));
    const t5 = planTable5(model), t6 = planTable6(pageShape), lr = planLearningRates();
    expect([t5.length, t6.length, lr.length]).toEqual([27, 45, 18]);
    const ids = [...t5, ...t6, ...lr].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(t5.find((r) => r.id === "table5:qkvo:2")!.setup).toMatchObject({rank: 5, seed: 2, targets: ["q_proj", "k_proj", "v_proj", "o_proj"]});
    expect([...new Set(t6.map((r) => r.x))]).toEqual([1, 2, 4, 8, 64]);
    expect(lr.filter((r) => r.row === "full").every((r) => r.setup.method === "full")).toBe(true);
    expect(planTable5(model, {...defaultSettings, seeds: [7]}).map((r) => r.seed)).toEqual(Array(9).fill(7));
  });

  it("summarizes with the sample standard deviation: exact case", () => {
    expect(summarize([1, 2, 3])).toEqual({mean: 2, std: 1, min: 1, max: 3, n: 3});
    expect(() => summarize([])).toThrow(/no values/);
  });
});

// A tiny text and a small random GPT stand in for the Brown corpus and the pretrained base.
const text = "the cat sat on the mat. the dog sat on the log. a cat and a dog met on a mat by the log. ".repeat(4);
const vocabulary = charVocabulary(text);
const tokens = encodeText(vocabulary, text);
const config = {vocabSize: vocabulary.chars.length, blockSize: 16, nLayer: 1, nHead: 4, nEmbd: 64};
const assets: WhereAssets = {config, base: writeModelWeights(new GPT(config, rng(5))), train: tokens.subarray(0, 300), heldOut: tokens.subarray(300)};
const setup: WhereSetup = {method: "lora", targets: ["q_proj", "v_proj"], rank: 4, alpha: 16, lr: 1e-2, steps: 12, batch: 4, context: 8, seed: 1, evalWindows: 8};

describe("a run", () => {
  it("is seeded: same setup, same numbers; another seed, others (regression values)", () => {
    const first = runWhere(assets, setup), again = runWhere(assets, setup), other = runWhere(assets, {...setup, seed: 2});
    expect(again.loss).toBe(first.loss);
    expect(other.loss).not.toBe(first.loss);
    expect(first.loss).toBeCloseTo(REGRESSION.lora, 4);
    expect(first.trainable).toBe(1 * 4 * (64 + 64) * 2);
    expect(first.curve.map((c) => c.step)).toEqual([8, 12]);
    expect(first.adapters.map((a) => a.name)).toEqual(["blocks.0.attn.q_proj", "blocks.0.attn.v_proj"]);
  });

  it("learns: LoRA and full fine-tuning both end below the base's held-out loss", () => {
    const base = baseLoss(assets, setup);
    expect(base).toBeCloseTo(REGRESSION.base, 4);
    expect(runWhere(assets, {...setup, steps: 40}).loss).toBeLessThan(base - 0.3);
    const full = runWhere(assets, {...setup, method: "full", lr: 3e-3, steps: 40});
    expect(full.loss).toBeLessThan(base - 0.3);
    expect(full.trainable).toBe(parameterCounts(new GPT(config, rng(0))).total);
    expect(full.adapters).toEqual([]);
  });

  it("stops where the caller stops: a partial run still reports a finite loss", () => {
    const run = new WhereRun(assets, setup);
    for (let i = 0; i < 3; i++) run.advance();
    expect(run.step).toBe(3);
    expect(Number.isFinite(run.finish().loss)).toBe(true);
  });

  it("rejects settings that cannot run with a message naming them", () => {
    expect(() => new WhereRun(assets, {...setup, rank: 0})).toThrow(/rank/);
    expect(() => new WhereRun(assets, {...setup, context: 99})).toThrow(/context/);
    expect(() => new WhereRun(assets, {...setup, lr: Number.NaN})).toThrow(/learning rate/);
    expect(() => new WhereRun(assets, {...setup, targets: []})).toThrow(/at least one target/);
  });
});

describe("subspace similarity of trained W_q and W_v adapters, r = 8 against r = 64 (Figure 3's setting)", () => {
  const adapters = (rank: number) => runWhere(assets, {...setup, rank, steps: 20}).adapters;
  const small = adapters(8), large = adapters(64);
  it("is in [0, 1], is 1 wherever the r = 64 side spans all 64 input directions, and matches its seeded value", () => {
    for (const layer of ["blocks.0.attn.q_proj", "blocks.0.attn.v_proj"]) {
      const a8 = small.find((a) => a.name === layer)!.A, a64 = large.find((a) => a.name === layer)!.A;
      expect([a8.rows, a8.cols, a64.rows, a64.cols]).toEqual([8, 64, 64, 64]);
      const grid = subspaceSimilarityGrid(a8, a64); // (8, 64)
      for (const row of grid) for (const phi of row) expect(phi).toBeGreaterThanOrEqual(0), expect(phi).toBeLessThanOrEqual(1);
      // k = 64: the top 64 right singular vectors of a 64×64 A span R^64, so every direction lies inside.
      for (let i = 0; i < 8; i++) expect(grid[i][63]).toBeCloseTo(1, 4);
    }
    const q8 = small[0].A, q64 = large[0].A;
    expect(subspaceSimilarityGrid(q8, q64)[0][0]).toBeCloseTo(REGRESSION.phiQ11, 4);
  });
});

// Seeded regression values, from this code at the commit that added it (Node 20, the wasm kernels).
const REGRESSION = {lora: 2.541019, base: 2.756393, phiQ11: 0.287544};

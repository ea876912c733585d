// LoRA's defining properties: ΔW = 0 at step 0 but B still learns, merge/unmerge
// are exact up to float32 rounding, injection freezes what it should, and with
// enough rank LoRA reaches what a full fine-tune reaches.
import {describe, expect, it} from "vitest";
import {Adam, LoRALinear, Linear, MLP, Sequential, Trainer, adapterBytes, clone, frobeniusNorm, injectLoRA, loraLayers, maxAbsDiff, mergeLoRA, optimizerStateBytes, parameterCounts, plantedTask, rng, softmaxCrossEntropy, unmergeLoRA} from "../../lib/index.js";
import {randomMatrix} from "./gradcheck.js";

function std(values: Float32Array): number {
  let sum = 0, squares = 0;
  for (const v of values) (sum += v), (squares += v * v);
  const mean = sum / values.length;
  return Math.sqrt(squares / values.length - mean * mean);
}

describe("step 0", () => {
  it("the adapted model's output equals the base model's exactly, and only B gets a gradient", () => {
    const model = new MLP([6, 8, 3], rng(1));
    const x = randomMatrix(5, 6, 2);
    const before = model.forward(x);
    const adapters = injectLoRA(model, {targetModules: ["layers.0", "layers.2"], rank: 2, alpha: 4}, rng(3));
    const after = model.forward(x, {training: true});
    expect(maxAbsDiff(before, after)).toBe(0);

    const {grad} = softmaxCrossEntropy(after, Int32Array.of(0, 1, 2, 0, 1));
    model.backward(grad, {inputGrad: false});
    for (const [name, layer] of adapters) {
      // dB = scaling · dyᵀ·(x·Aᵀ) ≠ 0 although B = 0; dA = scaling · (dy·B)ᵀ·x = 0 while B = 0.
      expect(frobeniusNorm(layer.loraB.grad), name).toBeGreaterThan(1e-4);
      expect(frobeniusNorm(layer.loraA.grad), name).toBe(0);
    }
  });
});

describe("initialisation", () => {
  const base = () => new Linear(256, 64, rng(5));
  it("B starts at zero for every init", () => {
    for (const init of ["paper", "peft", "gaussian"] as const) {
      const layer = new LoRALinear(base(), {rank: 8, init}, rng(6));
      expect(layer.loraB.value.data.every((v) => v === 0), init).toBe(true);
      expect(frobeniusNorm(layer.deltaW())).toBe(0);
    }
  });

  it("A has the documented spread: paper N(0, 1/in), peft U(±1/√in), gaussian N(0, 1/r²)", () => {
    const paper = new LoRALinear(base(), {rank: 8, init: "paper"}, rng(7)).loraA.value.data;
    const peft = new LoRALinear(base(), {rank: 8, init: "peft"}, rng(7)).loraA.value.data;
    const gaussian = new LoRALinear(base(), {rank: 8, init: "gaussian"}, rng(7)).loraA.value.data;
    // 2,048 draws: the sample std is within ~2% of the true one; 8% tolerance.
    expect(std(paper) / (1 / 16)).toBeCloseTo(1, 1);
    expect(std(peft) / (1 / 16 / Math.sqrt(3))).toBeCloseTo(1, 1);
    expect(peft.every((v) => Math.abs(v) <= 1 / 16)).toBe(true);
    expect(std(gaussian) / (1 / 8)).toBeCloseTo(1, 1);
  });
});

describe("merge and unmerge", () => {
  function trainedLike() {
    const model = new MLP([8, 16, 4], rng(11));
    const adapters = injectLoRA(model, {targetModules: ["layers.0", "layers.2"], rank: 3, alpha: 6}, rng(12));
    // Pretend training happened: B non-zero.
    adapters.forEach(([, layer], i) => layer.loraB.value.data.set(randomMatrix(layer.loraB.value.rows, 3, 13 + i, 0.5).data));
    return {model, adapters};
  }

  it("merged outputs equal unmerged ones to float32 rounding; unmerge restores W0", () => {
    const {model, adapters} = trainedLike();
    const x = randomMatrix(10, 8, 20);
    const unmerged = model.forward(x);
    const original = adapters.map(([, layer]) => clone(layer.base.weight.value));
    mergeLoRA(model);
    expect(adapters.every(([, layer]) => layer.isMerged)).toBe(true);
    // W0 really changed by ΔW ...
    expect(maxAbsDiff(original[0], adapters[0][1].base.weight.value)).toBeGreaterThan(0.1);
    // ... and the outputs (size ~1) agree to a few float32 ulps accumulated over 8- and 16-term sums.
    const merged = model.forward(x);
    expect(maxAbsDiff(unmerged, merged)).toBeLessThan(1e-5);
    unmergeLoRA(model);
    adapters.forEach(([, layer], i) => expect(maxAbsDiff(layer.base.weight.value, original[i])).toBeLessThan(1e-6));
    expect(maxAbsDiff(unmerged, model.forward(x))).toBeLessThan(1e-5);
  });

  it("refuses to merge twice, unmerge unmerged, or train while merged", () => {
    const {adapters} = trainedLike();
    const [, layer] = adapters[0];
    expect(() => layer.unmerge()).toThrow(/not merged/);
    layer.merge();
    expect(() => layer.merge()).toThrow(/already merged/);
    expect(() => layer.forward(randomMatrix(2, 8, 1), {training: true})).toThrow(/unmerge/);
  });
});

describe("injectLoRA", () => {
  const trainableNames = (model: MLP) => model.namedParameters().filter(([, p]) => p.trainable).map(([n]) => n);

  it("wraps targets by exact name or suffix, freezes the rest, keeps modulesToSave trainable", () => {
    const model = new MLP([4, 8, 8, 3], rng(1));
    const adapters = injectLoRA(model, {targetModules: ["layers.0", "2"], modulesToSave: ["layers.4"], rank: 2}, rng(2));
    expect(adapters.map(([name]) => name)).toEqual(["layers.0", "layers.2"]);
    expect(loraLayers(model).map(([name]) => name)).toEqual(["layers.0", "layers.2"]);
    expect(trainableNames(model)).toEqual([
      "layers.0.lora_A", "layers.0.lora_B", "layers.2.lora_A", "layers.2.lora_B", "layers.4.weight", "layers.4.bias"
    ]);
    expect(model.namedParameters().map(([n]) => n)).toContain("layers.0.base_layer.weight");
  });

  it("bias 'all' and 'lora_only' unfreeze the biases PEFT would", () => {
    const all = new MLP([4, 8, 8, 3], rng(1));
    injectLoRA(all, {targetModules: ["layers.0"], rank: 2, bias: "all"}, rng(2));
    expect(trainableNames(all).filter((n) => n.endsWith("bias"))).toEqual(["layers.0.base_layer.bias", "layers.2.bias", "layers.4.bias"]);
    const only = new MLP([4, 8, 8, 3], rng(1));
    injectLoRA(only, {targetModules: ["layers.0"], rank: 2, bias: "lora_only"}, rng(2));
    expect(trainableNames(only).filter((n) => n.endsWith("bias"))).toEqual(["layers.0.base_layer.bias"]);
  });
});

describe("counting", () => {
  it("MLP 256→256→10 with r = 8 on layer 0: 4,096 trainable, Adam state 32 KiB", () => {
    const model = new MLP([256, 256, 10], rng(1));
    injectLoRA(model, {targetModules: ["layers.0"], rank: 8}, rng(2));
    const counts = parameterCounts(model);
    expect(counts).toMatchObject({trainable: 2 * 8 * 256, frozen: 256 * 256 + 256 + 256 * 10 + 10, total: 4096 + 68362});
    expect(optimizerStateBytes(counts.trainable, "adam")).toBe(32768);
    expect(new Adam(model.trainableParameters()).stateBytes()).toBe(32768);
    expect(adapterBytes(model)).toEqual({parameters: 4096, fp32: 16384, fp16: 8192});
  });
});

describe("LoRA vs full fine-tuning on a planted rank-3 change", () => {
  // Task: y = x·(W0 + ΔW*)ᵀ with W0 (32×32) Gaussian and ΔW* of rank 3 with singular
  // values 3, 2.5, 1.9; the model starts at W0. The best rank-r fit leaves MSE
  // Σ_{i>r} σᵢ²/32: 0.31 at r = 1, 0.11 at r = 2, 0 from r = 3 (the notes' figures).
  const task = plantedTask({outputSize: 32, inputSize: 32, plantedRank: 3, singularValues: [3, 2.5, 1.9], samples: 256}, rng(41));
  const data = {inputs: task.X, targets: task.Y};

  function finalLoss(rank: number | "full", steps = 500): number {
    const linear = new Linear(32, 32, rng(42), {bias: false});
    linear.weight.value.data.set(task.W0.data);
    const model = new Sequential([linear]);
    if (rank !== "full") injectLoRA(model, {targetModules: ["0"], rank}, rng(43));
    const trainer = new Trainer({model, optimizer: new Adam(model.trainableParameters(), {lr: 0.02}), data, batchSize: 256});
    let loss = NaN;
    for (let i = 0; i < steps; i++) loss = trainer.step().loss;
    return loss;
  }

  it("r ≥ 3 reaches the full fine-tune's loss; r < 3 stalls at the rank-r residual", () => {
    const losses = {full: finalLoss("full"), r1: finalLoss(1), r2: finalLoss(2), r3: finalLoss(3), r4: finalLoss(4)};
    expect(losses.full).toBeLessThan(1e-4);
    expect(losses.r3).toBeLessThan(1e-3);
    expect(losses.r4).toBeLessThan(1e-3);
    expect(losses.r1).toBeGreaterThan(0.25);
    expect(losses.r1).toBeLessThan(0.45);
    expect(losses.r2).toBeGreaterThan(0.08);
    expect(losses.r2).toBeLessThan(0.2);
  });
});

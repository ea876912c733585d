// Bad input throws a RangeError that names the argument, the value and the range.
import {describe, expect, it} from "vitest";
import {Adam, AdamW, Embedding, Linear, LoRALinear, MLP, SGD, Trainer, clipGradNorm, evaluate, injectLoRA, loraPlusMultipliers, matrix, meanSquaredError, optimizerStateBytes, parameter, rng, softmaxCrossEntropy} from "../../lib/index.js";

const base = () => new Linear(8, 4, rng(1));
const params = () => [parameter("w", matrix(1, 2))];

function expectRangeError(run: () => unknown, message: RegExp): void {
  expect(run).toThrow(RangeError);
  expect(run).toThrow(message);
}

describe("layers", () => {
  it("Linear and Embedding sizes", () => {
    expectRangeError(() => new Linear(0, 4, rng(1)), /inFeatures must be a whole number ≥ 1, got 0/);
    expectRangeError(() => new Linear(3, 2.5, rng(1)), /outFeatures .* got 2.5/);
    expectRangeError(() => new Embedding(5, -1, rng(1)), /embeddingDim .* got -1/);
    expectRangeError(() => new MLP([4], rng(1)), /sizes must list at least/);
    expectRangeError(() => new MLP([4, 3], rng(1), {activation: "swish" as "relu"}), /activation must be one of relu, gelu, tanh, got swish/);
  });

  it("mismatched shapes in forward, backward and the losses", () => {
    const layer = base();
    expectRangeError(() => layer.forward(matrix(2, 5)), /Linear\(in=8, out=4\): input has 5 columns, expected 8/);
    expect(() => layer.backward(matrix(2, 4))).toThrow(/backward called before forward/);
    layer.forward(matrix(2, 8));
    expectRangeError(() => layer.backward(matrix(3, 4)), /dy is 3×4, expected 2×4/);
    expectRangeError(() => new Embedding(5, 2, rng(1)).forward(matrix(1, 1, Float32Array.of(5))), /token id .* in \[0, 4\], got 5/);
    expectRangeError(() => softmaxCrossEntropy(matrix(2, 3), Int32Array.of(0)), /targets has 1 entries, logits has 2 rows/);
    expectRangeError(() => softmaxCrossEntropy(matrix(1, 3), Int32Array.of(3)), /targets\[0\] must be a class in \[0, 2\], got 3/);
    expectRangeError(() => meanSquaredError(matrix(2, 3), matrix(3, 2)), /shapes differ/);
  });
});

describe("LoRA", () => {
  it("rank outside [1, min(in, out)], alpha, dropout, init", () => {
    expectRangeError(() => new LoRALinear(base(), {rank: 0}, rng(1)), /rank must be a whole number in \[1, 4\], got 0/);
    expectRangeError(() => new LoRALinear(base(), {rank: 5}, rng(1)), /rank .* \[1, 4\], got 5/);
    expectRangeError(() => new LoRALinear(base(), {rank: 2, alpha: -1}, rng(1)), /alpha must be a finite number in \(0, Infinity\), got -1/);
    expectRangeError(() => new LoRALinear(base(), {rank: 2, alpha: NaN}, rng(1)), /alpha .* got NaN/);
    expectRangeError(() => new LoRALinear(base(), {rank: 2, dropout: 1}, rng(1)), /dropout must be a finite number in \[0, 1\), got 1/);
    expectRangeError(() => new LoRALinear(base(), {rank: 2, init: "zeros" as "paper"}, rng(1)), /init must be .* got zeros/);
  });

  it("injectLoRA targets, modulesToSave and bias", () => {
    const model = () => new MLP([4, 6, 3], rng(1));
    expectRangeError(() => injectLoRA(model(), {targetModules: [], rank: 1}, rng(1)), /targetModules must name at least one module/);
    expectRangeError(() => injectLoRA(model(), {targetModules: ["q_proj"], rank: 1}, rng(1)), /targetModules: "q_proj" matches no module; the model has layers, layers.0/);
    expectRangeError(() => injectLoRA(model(), {targetModules: ["layers.1"], rank: 1}, rng(1)), /targetModules: "layers.1" is a ReLU/);
    expectRangeError(() => injectLoRA(model(), {targetModules: ["0"], modulesToSave: ["head"], rank: 1}, rng(1)), /modulesToSave: "head" matches no module/);
    expectRangeError(() => injectLoRA(model(), {targetModules: ["0"], bias: "some" as "all", rank: 1}, rng(1)), /bias must be .* got some/);
  });
});

describe("optimizers and training", () => {
  it("learning rates, betas, momentum, eps, weight decay, clipping, LoRA+ ratio", () => {
    expectRangeError(() => new SGD(params(), {lr: -0.1}), /lr must be a finite number in \[0, Infinity\), got -0.1/);
    expectRangeError(() => new Adam(params(), {lr: Infinity}), /lr .* got Infinity/);
    expectRangeError(() => new SGD(params(), {lr: 0.1, momentum: 1}), /momentum must be a finite number in \[0, 1\), got 1/);
    expectRangeError(() => new Adam(params(), {betas: [0.9, 1.5]}), /betas\[1\] .* got 1.5/);
    expectRangeError(() => new Adam(params(), {eps: 0}), /eps must be a finite number in \(0, Infinity\), got 0/);
    expectRangeError(() => new AdamW(params(), {weightDecay: -1}), /weightDecay .* got -1/);
    const adam = new Adam(params());
    expectRangeError(() => (adam.lr = NaN), /lr .* got NaN/);
    expectRangeError(() => clipGradNorm(params(), 0), /maxNorm must be a finite number in \(0, Infinity\), got 0/);
    expectRangeError(() => loraPlusMultipliers(new MLP([2, 2], rng(1)), -16), /ratio .* got -16/);
    expectRangeError(() => optimizerStateBytes(10, "lion" as "adam"), /optimizer must be one of .* got lion/);
  });

  it("trainer and evaluate arguments", () => {
    const model = new MLP([2, 2], rng(1));
    const optimizer = new SGD(model.trainableParameters(), {lr: 0.1});
    const data = {inputs: matrix(4, 2), targets: Int32Array.of(0, 1, 0, 1)};
    expectRangeError(() => new Trainer({model, optimizer, data, batchSize: 0}), /batchSize must be a whole number ≥ 1, got 0/);
    expectRangeError(() => new Trainer({model, optimizer, data, clipNorm: -1}), /clipNorm .* got -1/);
    expectRangeError(() => new Trainer({model, optimizer, data: {inputs: matrix(3, 2), targets: Int32Array.of(0)}}), /data: inputs has 3 rows but targets has 1/);
    expectRangeError(() => evaluate(model, {inputs: matrix(0, 2), targets: new Int32Array(0)}), /data: inputs must have at least 1 row/);
  });
});

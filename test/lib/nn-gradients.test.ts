// Finite-difference checks of every layer's backward (see gradcheck.ts for the
// scalar checked and why the tolerance is 2e-3).
import {describe, expect, it} from "vitest";
import {Embedding, GELU, LoRALinear, Linear, MLP, ReLU, Tanh, matrix, meanSquaredError, rng, softmaxCrossEntropy} from "../../lib/index.js";
import {TOLERANCE, checkModule, randomMatrix, worstError} from "./gradcheck.js";

function expectAllBelow(errors: Record<string, number>, names: string[]): void {
  expect(Object.keys(errors).sort()).toEqual([...names].sort());
  for (const [name, error] of Object.entries(errors)) expect(error, name).toBeLessThan(TOLERANCE);
}

describe("Linear", () => {
  it("matches central differences with a bias", () => {
    const layer = new Linear(5, 4, rng(1));
    expectAllBelow(checkModule(layer, randomMatrix(3, 5, 2)), ["weight", "bias", "dx"]);
  });

  it("matches central differences without a bias", () => {
    const layer = new Linear(5, 4, rng(1), {bias: false});
    expect(layer.parameters()).toHaveLength(1);
    expectAllBelow(checkModule(layer, randomMatrix(3, 5, 2)), ["weight", "dx"]);
  });

  it("leaves a frozen weight's gradient at zero", () => {
    const layer = new Linear(5, 4, rng(1));
    layer.weight.trainable = false;
    layer.forward(randomMatrix(3, 5, 2));
    layer.backward(randomMatrix(3, 4, 3));
    expect(layer.weight.grad.data.every((g) => g === 0)).toBe(true);
    expect(layer.bias!.grad.data.some((g) => g !== 0)).toBe(true);
  });
});

describe("activations", () => {
  // Inputs at least 0.1 away from 0, so ±eps never crosses ReLU's kink.
  const x = randomMatrix(4, 6, 5);
  for (let i = 0; i < x.data.length; i++) x.data[i] = Math.sign(x.data[i]) * (0.1 + Math.abs(x.data[i]));

  it("ReLU, GELU and Tanh match central differences", () => {
    for (const layer of [new ReLU(), new GELU(), new Tanh()]) {
      const errors = checkModule(layer, x);
      expect(errors.dx, layer.kind).toBeLessThan(TOLERANCE);
    }
  });

  it("ReLU is exact (branch-free form included): negatives and zero give 0, positives pass through", () => {
    const y = new ReLU().forward(matrix(1, 4, Float32Array.of(-2, 0, 3.1415927, 1e-30)));
    expect(Array.from(y.data)).toEqual([0, 0, Math.fround(3.1415927), Math.fround(1e-30)]);
  });

  it("GELU is the tanh approximation", () => {
    const y = new GELU().forward(matrix(1, 3, Float32Array.of(-1, 0.5, 2)));
    // 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))), evaluated independently in float64.
    const expected = [-1, 0.5, 2].map((v) => 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v ** 3))));
    expected.forEach((e, i) => expect(y.data[i]).toBeCloseTo(e, 6));
  });
});

describe("Embedding", () => {
  it("scatter-adds gradients into looked-up rows, repeated ids included", () => {
    const layer = new Embedding(7, 3, rng(4));
    const ids = matrix(3, 2, Float32Array.of(1, 4, 4, 0, 6, 1));
    const errors = checkModule(layer, ids, {inputGrad: false});
    expectAllBelow(errors, ["weight"]);
    // Rows never looked up get no gradient.
    layer.weight.grad.data.fill(0);
    layer.forward(ids);
    layer.backward(randomMatrix(3, 6, 8));
    expect(Array.from(layer.weight.grad.data.subarray(2 * 3, 4 * 3)).every((g) => g === 0)).toBe(true);
  });
});

describe("losses", () => {
  it("softmax cross-entropy's gradient matches central differences", () => {
    const logits = randomMatrix(4, 5, 11, 2);
    const targets = Int32Array.of(0, 3, 4, 3);
    const {grad} = softmaxCrossEntropy(logits, targets);
    expect(worstError(logits.data, grad.data.slice(), () => softmaxCrossEntropy(logits, targets).loss)).toBeLessThan(TOLERANCE);
  });

  it("softmax cross-entropy is log(C) for equal logits and stable for huge ones", () => {
    expect(softmaxCrossEntropy(matrix(2, 4), Int32Array.of(1, 2)).loss).toBeCloseTo(Math.log(4), 6);
    const {loss} = softmaxCrossEntropy(matrix(1, 2, Float32Array.of(1000, 0)), Int32Array.of(1));
    expect(loss).toBeCloseTo(1000, 3);
  });

  it("mean squared error's gradient matches central differences", () => {
    const predictions = randomMatrix(3, 4, 12);
    const targets = randomMatrix(3, 4, 13);
    const {grad} = meanSquaredError(predictions, targets);
    expect(worstError(predictions.data, grad.data.slice(), () => meanSquaredError(predictions, targets).loss)).toBeLessThan(TOLERANCE);
  });
});

describe("MLP", () => {
  it("a GELU MLP matches central differences for every parameter and the input", () => {
    const model = new MLP([5, 6, 4, 3], rng(21), {activation: "gelu"});
    const names = model.namedParameters().map(([name]) => name);
    expect(names).toEqual(["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias", "layers.4.weight", "layers.4.bias"]);
    expectAllBelow(checkModule(model, randomMatrix(3, 5, 22)), [...names, "dx"]);
  });

  it("a Tanh MLP matches central differences", () => {
    const model = new MLP([4, 5, 2], rng(23), {activation: "tanh", bias: false});
    expectAllBelow(checkModule(model, randomMatrix(3, 4, 24)), ["layers.0.weight", "layers.2.weight", "dx"]);
  });
});

describe("LoRALinear", () => {
  // B is made non-zero, otherwise dA = 0 and a wrong dA formula would still pass.
  function adapted(config: {rank: number; alpha?: number; dropout?: number; rsLoRA?: boolean}) {
    const layer = new LoRALinear(new Linear(6, 5, rng(31)), config, rng(32));
    layer.loraB.value.data.set(randomMatrix(5, config.rank, 33).data);
    return layer;
  }

  it("dA, dB and dx match central differences, and the frozen base gets no gradient", () => {
    const layer = adapted({rank: 2, alpha: 6});
    expect(layer.scaling).toBe(3);
    expectAllBelow(checkModule(layer, randomMatrix(4, 6, 34)), ["lora_A", "lora_B", "dx"]);
    expect(layer.base.weight.grad.data.every((g) => g === 0)).toBe(true);
  });

  it("matches with rsLoRA scaling and a trainable base bias", () => {
    const layer = adapted({rank: 4, alpha: 4, rsLoRA: true});
    expect(layer.scaling).toBe(2);
    layer.base.bias!.trainable = true;
    expectAllBelow(checkModule(layer, randomMatrix(3, 6, 35)), ["lora_A", "lora_B", "base_layer.bias", "dx"]);
  });

  it("matches with dropout when the mask is fixed by re-seeding", () => {
    const layer = adapted({rank: 3, dropout: 0.4});
    const x = randomMatrix(4, 6, 36);
    const errors = checkModule(layer, x, {training: true, beforeForward: () => (layer.dropoutRng = rng(7))});
    expectAllBelow(errors, ["lora_A", "lora_B", "dx"]);
    // The mask really drops something: training output differs from evaluation output.
    layer.dropoutRng = rng(7);
    const train = layer.forward(x, {training: true});
    const evaluation = layer.forward(x);
    expect(train.data.some((v, i) => v !== evaluation.data[i])).toBe(true);
  });
});

// Finite-difference checks of the Transformer layers and the whole GPT (see
// gradcheck.ts for the scalar checked and why the tolerance is 2e-3), plus the
// properties attention must have: causality and rows of P summing to 1.
import {describe, expect, it} from "vitest";
import {
  CausalSelfAttention, FeedForward, GPT, LayerNorm, PositionEmbedding, TransformerBlock, causalSoftmax,
  injectLoRA, languageModelLoss, matrix, rng, sampleTokens
} from "../../lib/index.js";
import {TOLERANCE, checkModule, randomMatrix, worstError} from "./gradcheck.js";

function expectAllBelow(errors: Record<string, number>, count?: number): void {
  if (count !== undefined) expect(Object.keys(errors)).toHaveLength(count);
  for (const [name, error] of Object.entries(errors)) expect(error, name).toBeLessThan(TOLERANCE);
}

/** A tiny config: 2 sequences of 5 tokens, C = 8, 2 heads. */
const tiny = {vocabSize: 11, blockSize: 6, nLayer: 2, nHead: 2, nEmbd: 8};
const ids = matrix(2, 5, Float32Array.of(1, 4, 4, 0, 10, 7, 2, 9, 3, 3));

describe("LayerNorm", () => {
  it("matches central differences (γ, β not at their init)", () => {
    const layer = new LayerNorm(6);
    layer.weight.value.data.set(randomMatrix(1, 6, 3).data);
    layer.bias.value.data.set(randomMatrix(1, 6, 4).data);
    expectAllBelow(checkModule(layer, randomMatrix(4, 6, 2)), 3);
  });

  it("normalizes each row to mean 0, variance 1 at init", () => {
    const y = new LayerNorm(4).forward(matrix(1, 4, Float32Array.of(1, 2, 3, 4)));
    // mean 2.5, biased variance 1.25: (x − 2.5)/√(1.25 + 1e-5)
    [1, 2, 3, 4].forEach((v, j) => expect(y.data[j]).toBeCloseTo((v - 2.5) / Math.sqrt(1.25 + 1e-5), 6));
  });
});

describe("attention", () => {
  it("causal softmax rows sum to 1 and put no weight on the future", () => {
    const p = causalSoftmax(randomMatrix(5, 5, 7, 3), 0.5);
    for (let t = 0; t < 5; t++) {
      let sum = 0;
      for (let j = 0; j < 5; j++) {
        if (j > t) expect(p.data[t * 5 + j]).toBe(0);
        sum += p.data[t * 5 + j];
      }
      expect(sum).toBeCloseTo(1, 6);
    }
  });

  it("matches central differences: q/k/v/o weights and biases, and dx", () => {
    const layer = new CausalSelfAttention(8, 2, rng(1));
    expectAllBelow(checkModule(layer, randomMatrix(2 * 4, 8, 2), {sequenceLength: 4}), 9);
  });

  it("is causal: changing token t changes no output before t", () => {
    const layer = new CausalSelfAttention(8, 2, rng(1));
    const x = randomMatrix(4, 8, 2);
    const before = layer.forward(x, {sequenceLength: 4}).data.slice();
    x.data[2 * 8 + 3] += 1; // token 2
    const after = layer.forward(x, {sequenceLength: 4}).data;
    expect(Array.from(after.subarray(0, 16))).toEqual(Array.from(before.subarray(0, 16)));
    expect(after[2 * 8]).not.toBe(before[2 * 8]);
  });

  it("asks for the sequence length instead of guessing it", () => {
    expect(() => new CausalSelfAttention(8, 2, rng(1)).forward(randomMatrix(4, 8, 2))).toThrow(/sequenceLength/);
    expect(() => new CausalSelfAttention(8, 3, rng(1))).toThrow(/multiple of heads/);
  });
});

describe("position embedding, MLP and block", () => {
  it("position embedding matches central differences", () => {
    expectAllBelow(checkModule(new PositionEmbedding(6, 4, rng(2)), randomMatrix(2 * 3, 4, 5), {sequenceLength: 3}), 2);
  });

  it("the GELU MLP (up_proj, down_proj) matches central differences", () => {
    expectAllBelow(checkModule(new FeedForward(6, 10, rng(3)), randomMatrix(5, 6, 6)), 5);
  });

  it("a residual block matches central differences", () => {
    expectAllBelow(checkModule(new TransformerBlock(8, 2, rng(4)), randomMatrix(2 * 3, 8, 7), {sequenceLength: 3}), 17);
  });
});

describe("GPT", () => {
  it("matches central differences in every parameter (LM head)", () => {
    const model = new GPT(tiny, rng(5));
    // GPT-2's init is small (std 0.02); larger weights make the check sensitive.
    for (const p of model.parameters()) for (let i = 0; i < p.value.data.length; i++) p.value.data[i] += 0.3 * Math.sin(i + 1);
    const errors = checkModule(model, ids, {inputGrad: false});
    expectAllBelow(errors, model.parameters().length);
  });

  it("with a classification head, matches central differences of the class loss", () => {
    const model = new GPT({...tiny, numClasses: 3}, rng(6));
    for (const p of model.parameters()) for (let i = 0; i < p.value.data.length; i++) p.value.data[i] += 0.3 * Math.cos(i);
    expect(model.namedModules().map(([n]) => n)).toContain("score");
    expectAllBelow(checkModule(model, ids, {inputGrad: false}), model.parameters().length);
  });

  it("next-token loss starts at ln(vocab) and its gradient matches central differences", () => {
    const model = new GPT(tiny, rng(7));
    const targets = Int32Array.of(4, 4, 0, 10, 2, 2, 9, 3, 3, 1);
    const {loss} = languageModelLoss(model.forward(ids), targets);
    expect(Math.abs(loss - Math.log(11))).toBeLessThan(0.05); // std-0.02 init: near-uniform predictions
    const logits = randomMatrix(10, 11, 8);
    const {grad} = languageModelLoss(logits, targets);
    expect(worstError(logits.data, grad.data.slice(), () => languageModelLoss(logits, targets).loss)).toBeLessThan(TOLERANCE);
  });

  it("injectLoRA targets q_proj and v_proj by name in every block, and the adapted model's gradients check", () => {
    const model = new GPT(tiny, rng(8));
    const adapters = injectLoRA(model, {targetModules: ["q_proj", "v_proj"], rank: 2, alpha: 4}, rng(9));
    expect(adapters.map(([name]) => name)).toEqual(["blocks.0.attn.q_proj", "blocks.0.attn.v_proj", "blocks.1.attn.q_proj", "blocks.1.attn.v_proj"]);
    for (const [, a] of adapters) a.loraB.value.data.set(randomMatrix(8, 2, 10, 0.5).data); // nonzero B
    expect(model.trainableParameters()).toHaveLength(8);
    expectAllBelow(checkModule(model, ids, {inputGrad: false}), 8);
  });

  it("samples whole token ids in range, the same for the same seed", () => {
    const model = new GPT(tiny, rng(10));
    const a = sampleTokens(model, [1, 2], rng(3), {length: 9});
    expect(a).toEqual(sampleTokens(model, [1, 2], rng(3), {length: 9}));
    expect(a.every((t) => Number.isInteger(t) && t >= 0 && t < 11)).toBe(true);
    expect(() => sampleTokens(model, [], rng(3), {length: 1})).toThrow(/at least one token/);
  });
});

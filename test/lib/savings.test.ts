// The parameter-savings calculator against the LoRA paper's own numbers (Hu et al. 2021,
// arXiv:2106.09685), published model totals, and the argument checks the page relies on.
import {describe, expect, test} from "vitest";
import {abbreviateCount, formatBinaryBytes, formatBytes} from "../../lib/index.js";
import {type MatrixGroup, adapterFileBytes, customModel, layerMatrices, loraParameters, loraParametersSquare, maxRank, modelParameters, modelPreset, modelPresets, paperFigures, taskStorage, trainingMemory} from "../../lib/site/index.js";

const gpt3 = modelPreset("gpt3-175b");
const qv: MatrixGroup[] = ["q", "v"];

describe("the paper's trainable-parameter counts (§5.1: |Θ| = 2·L̂·d_model·r)", () => {
  test.each([
    [1, 4_718_592, "4.7M"], // Table 4
    [4, 18_874_368, "18.9M"], // §7.1's "18M" budget
    [8, 37_748_736, "37.7M"] // Table 4
  ])("GPT-3 175B, W_q and W_v, r = %i → %i (%s)", (rank, expected, label) => {
    const count = loraParameters(gpt3, {matrices: qv, rank});
    expect(count).toBe(expected);
    expect(abbreviateCount(count)).toBe(label);
    expect(loraParametersSquare(2 * 96, 12288, rank)).toBe(expected);
  });

  test("RoBERTa-base r = 8 → 294,912 (0.3M) and RoBERTa-large r = 8 → 786,432 (0.8M), Table 2", () => {
    expect(loraParameters(modelPreset("roberta-base"), {matrices: qv, rank: 8})).toBe(294_912);
    expect(loraParameters(modelPreset("roberta-large"), {matrices: qv, rank: 8})).toBe(786_432);
    expect(abbreviateCount(294_912)).toBe("0.3M");
    expect(abbreviateCount(786_432)).toBe("0.8M");
  });

  test("Table 5's equal budgets: one matrix at r = 8, two at r = 4, all four at r = 2", () => {
    for (const matrices of [["q"], ["k"], ["v"], ["o"]] as MatrixGroup[][]) expect(loraParameters(gpt3, {matrices, rank: 8})).toBe(18_874_368);
    expect(loraParameters(gpt3, {matrices: ["q", "k"], rank: 4})).toBe(18_874_368);
    expect(loraParameters(gpt3, {matrices: ["q", "k", "v", "o"], rank: 2})).toBe(18_874_368);
  });
});

describe("checkpoint, adapter file and task storage (§4.2)", () => {
  const base = adapterFileBytes(gpt3.published.parameters).fp16;
  const adapter = adapterFileBytes(loraParameters(gpt3, {matrices: qv, rank: 4})).fp16;

  test("GPT-3 at fp16 is 350 GB with the published 175B (SI units); our own count is 174.6B", () => {
    expect(base).toBe(350e9);
    expect(formatBytes(base)).toBe("350 GB");
    expect(modelParameters(gpt3).total).toBe(174_604_259_328);
  });

  test("the r = 4 adapter is 37,748,736 bytes = 37.7 MB = 36 MiB: the paper's '35MB' is a round figure in either unit", () => {
    expect(adapter).toBe(37_748_736);
    expect(adapterFileBytes(18_874_368).fp32).toBe(75_497_472);
    expect(formatBytes(adapter)).toBe("37.7 MB");
    expect(adapter / 2 ** 20).toBe(36); // exactly 36 MiB
    expect(formatBinaryBytes(adapter)).toBe("36 MiB");
    expect(Math.round(base / adapter)).toBe(9272); // "roughly 10,000×"
  });

  test("100 task models: 350 GB + 100 adapters ≈ 354 GB vs 100 copies = 35 TB (footnote 4)", () => {
    const storage = taskStorage(base, adapter, 100);
    expect(storage.baseAndAdapters).toBe(350e9 + 100 * 37_748_736);
    expect(formatBytes(storage.baseAndAdapters)).toBe("354 GB");
    expect(storage.fullCopies).toBe(35e12);
    expect(formatBytes(storage.fullCopies)).toBe("35 TB");
  });

  test("training memory: LoRA's 350 GB follows from fp16 frozen weights; the full FT 1.2 TB is a measurement we do not derive", () => {
    const {full, lora} = trainingMemory(175e9, 18_874_368, "mixed");
    expect(full.total).toBe(16 * 175e9); // 2.8 TB: 16 bytes a trained parameter at mixed precision
    expect(lora.weights).toBe(2 * (175e9 + 18_874_368));
    expect(lora.total).toBe(2 * 175e9 + 16 * 18_874_368);
    expect(formatBytes(lora.total)).toBe("350 GB");
    const fp32 = trainingMemory(175e9, 18_874_368, "fp32");
    expect(fp32.full.total).toBe(16 * 175e9);
    expect(fp32.lora.total).toBe(4 * 175e9 + 16 * 18_874_368);
    const fp16 = trainingMemory(175e9, 0, "fp16");
    expect(fp16.full.total).toBe(8 * 175e9);
    expect(fp16.lora.total / fp16.full.total).toBe(1 / 4);
    const figure = paperFigures().find((f) => f.paper === "1.2TB");
    expect(figure?.agreement).toMatch(/not derived/);
  });
});

describe("published shapes", () => {
  test("our counts match the Hugging Face counts of the same weights", () => {
    const totals = Object.fromEntries(modelPresets.map((p) => [p.id, modelParameters(p).total]));
    expect(totals["gpt2-small"]).toBe(124_439_808);
    expect(totals["gpt2-medium"]).toBe(354_823_168);
    expect(totals["gpt2-large"]).toBe(774_030_080); // LoRA Table 3: 774.03M
    expect(totals["gpt2-xl"]).toBe(1_557_611_200);
    expect(totals["roberta-large"] + 1024 * 1024 + 1024).toBe(355_359_744); // + pooler, which we leave out
    expect(totals["llama2-7b"]).toBe(6_738_415_616);
    expect(totals["mistral-7b"]).toBe(7_241_732_096);
    expect(totals["llama3-8b"]).toBe(8_030_261_248);
  });

  test("grouped-query attention: Mistral-7B's W_k and W_v are 4096 → 1024, W_q and W_o square", () => {
    const mistral = modelPreset("mistral-7b");
    const shapes = Object.fromEntries(layerMatrices(mistral).map((m) => [m.name, [m.dIn, m.dOut]]));
    expect(shapes).toEqual({W_q: [4096, 4096], W_k: [4096, 1024], W_v: [4096, 1024], W_o: [4096, 4096], W_gate: [4096, 14336], W_up: [4096, 14336], W_down: [14336, 4096]});
    expect(loraParameters(mistral, {matrices: ["k"], rank: 8})).toBe(32 * 8 * (4096 + 1024));
    expect(loraParameters(mistral, {matrices: ["q", "v"], rank: 16})).toBe(32 * 16 * (4096 + 4096 + 4096 + 1024));
    expect(maxRank(mistral, ["q", "k"])).toBe(1024);
    expect(loraParameters(mistral, {matrices: ["k"], rank: 1024})).toBe(32 * 1024 * 5120);
    expect(loraParameters(modelPreset("llama2-7b"), {matrices: ["k"], rank: 8})).toBe(32 * 8 * 8192); // no GQA: square
  });

  test("MLP adapts up and down (and gate for SwiGLU)", () => {
    expect(loraParameters(modelPreset("gpt2-small"), {matrices: ["mlp"], rank: 1})).toBe(12 * 2 * (768 + 3072));
    expect(loraParameters(modelPreset("llama2-7b"), {matrices: ["mlp"], rank: 1})).toBe(32 * 3 * (4096 + 11008));
  });

  test("every preset names its source", () => {
    for (const p of modelPresets) {
      expect(p.source.length, p.id).toBeGreaterThan(10);
      expect(p.published.source.length, p.id).toBeGreaterThan(5);
      expect(p.heads * p.headDim, p.id).toBe(p.dModel);
    }
  });

  test("a custom model counts its layers only", () => {
    const model = customModel({layers: 2, dModel: 64, heads: 4});
    expect(modelParameters(model).total).toBe(2 * (4 * 64 * 64 + 2 * 64 * 256 + 2 * 64) + 64);
    expect(model.published.parameters).toBe(modelParameters(model).total);
    expect(loraParameters(model, {matrices: ["q", "v"], rank: 4})).toBe(2 * 2 * 64 * 4 * 2);
  });
});

describe("bad input is a RangeError naming the argument, the value and the allowed range", () => {
  test.each([
    [0, /rank must be a whole number in \[1, 12288\].*got 0/],
    [-3, /rank must be a whole number in \[1, 12288\].*got -3/],
    [2.5, /rank must be a whole number in \[1, 12288\].*got 2.5/],
    [12289, /rank must be a whole number in \[1, 12288\].*W_q is 12288×12288.*got 12289/],
    [Number.NaN, /rank .*got NaN/]
  ])("GPT-3 rank %s", (rank, message) => {
    expect(() => loraParameters(gpt3, {matrices: qv, rank})).toThrow(RangeError);
    expect(() => loraParameters(gpt3, {matrices: qv, rank})).toThrow(message);
  });

  test("rank above a GQA matrix's narrow side", () => {
    expect(() => loraParameters(modelPreset("mistral-7b"), {matrices: ["q", "k"], rank: 1025})).toThrow(/rank must be a whole number in \[1, 1024\].*W_k is 1024×4096.*got 1025/);
  });

  test("layers ≤ 0 or fractional", () => {
    expect(() => loraParameters({...gpt3, layers: 0}, {matrices: qv, rank: 1})).toThrow(/layers must be a whole number ≥ 1, got 0/);
    expect(() => customModel({layers: -1, dModel: 64})).toThrow(/layers must be a whole number ≥ 1, got -1/);
    expect(() => customModel({layers: 1.5, dModel: 64})).toThrow(RangeError);
    expect(() => customModel({layers: 2, dModel: 0})).toThrow(/dModel must be a whole number ≥ 1, got 0/);
  });

  test("empty or unknown matrix choice, bad task count, bad precision, unknown preset", () => {
    expect(() => loraParameters(gpt3, {matrices: [], rank: 1})).toThrow(/matrices must name at least one of q, k, v, o, mlp, got none/);
    expect(() => loraParameters(gpt3, {matrices: ["x" as MatrixGroup], rank: 1})).toThrow(RangeError);
    expect(() => taskStorage(1, 1, 0)).toThrow(/tasks must be a whole number ≥ 1, got 0/);
    expect(() => trainingMemory(1, 1, "bf16" as "fp16")).toThrow(/precision must be one of/);
    expect(() => modelPreset("gpt-5")).toThrow(/model must be one of/);
    expect(() => abbreviateCount(Number.NaN)).toThrow(RangeError);
  });
});

// The lib's GPT against PyTorch 2.11 and PEFT 0.21. test/fixtures/gpt holds the inputs
// (written by scripts/fixtures/gpt_inputs.ts) and what scripts/fixtures/gpt_fixtures.py
// computed from them in float64 with the model in scripts/fixtures/gpt_model.py:
// logits, loss, every gradient, a PEFT-saved adapter with nonzero B, and PEFT's logits
// with that adapter and with the lib's. Tolerance: max|lib − torch| ≤ 1e-4·max|torch| per
// tensor; float32 rounding through two blocks is ~1e-6 relative, while a wrong transpose,
// head split, mask or scaling is off by O(1).
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {
  GPT, type GPTConfig, type Matrix, languageModelLoss, loadModelWeights, loadPeftAdapter, matrix, readSafetensors, rng,
  toMatrix, zeroGrad
} from "../../lib/index.js";
import {relativeError} from "./relative-error.js";

const dir = join(import.meta.dirname, "../fixtures/gpt");
const inputs = JSON.parse(readFileSync(join(dir, "inputs.json"), "utf8")) as {config: GPTConfig; ids: number[][]; targets: number[][]};
const ids = matrix(inputs.ids.length, inputs.ids[0].length, Float32Array.from(inputs.ids.flat()));
const targets = Int32Array.from(inputs.targets.flat());
const peftFiles = (name: string) => ({
  config: readFileSync(join(dir, name, "adapter_config.json"), "utf8"),
  weights: new Uint8Array(readFileSync(join(dir, name, "adapter_model.safetensors")))
});

function tensors(file: string): Map<string, Matrix> {
  const {tensors} = readSafetensors(new Uint8Array(readFileSync(join(dir, file))));
  return new Map([...tensors].map(([key, t]) => [key, toMatrix(key, t)]));
}

function baseModel(): GPT {
  const model = new GPT(inputs.config, rng(0));
  loadModelWeights(model, new Uint8Array(readFileSync(join(dir, "weights.safetensors"))));
  return model;
}


describe("GPT vs PyTorch", () => {
  const expected = tensors("expected.safetensors");

  it("forward logits and loss agree to 1e-4", () => {
    const logits = baseModel().forward(ids);
    expect(relativeError(logits.data, expected.get("logits")!.data)).toBeLessThan(1e-4);
    const {loss} = languageModelLoss(logits, targets);
    expect(Math.abs(loss - expected.get("loss")!.data[0]) / loss).toBeLessThan(1e-4);
  });

  it("every parameter's gradient agrees to 1e-4", () => {
    const model = baseModel();
    zeroGrad(model.parameters());
    model.backward(languageModelLoss(model.forward(ids), targets).grad);
    const names = model.namedParameters().map(([name]) => `grad.${name}`);
    expect(names.sort()).toEqual([...expected.keys()].filter((k) => k.startsWith("grad.")).sort());
    for (const [name, p] of model.namedParameters()) {
      const reference = expected.get(`grad.${name}`)!.data;
      if (name.endsWith("k_proj.bias")) {
        // Exactly zero in exact arithmetic: q·(k + b) shifts a whole row of scores by q·b, and
        // softmax ignores shifts. Both sides hold rounding noise, so compare absolutely.
        expect(Math.max(...reference.map(Math.abs)), name).toBeLessThan(1e-12);
        expect(Math.max(...p.grad.data.map(Math.abs)), name).toBeLessThan(1e-6);
      } else {
        expect(relativeError(p.grad.data, reference), name).toBeLessThan(1e-4);
      }
    }
  });
});

describe("PEFT adapters for the GPT, both ways", () => {
  const outputs = tensors("peft_outputs.safetensors");

  it("an adapter saved by PEFT loads here with PEFT's outputs", () => {
    const model = baseModel();
    const before = model.forward(ids).data.slice();
    const adapter = loadPeftAdapter(model, peftFiles("peft_adapter"));
    expect(Object.keys(adapter.layers)).toHaveLength(12); // 6 modules × 2 blocks
    const logits = model.forward(ids).data;
    expect(relativeError(before, outputs.get("peft_logits")!.data)).toBeGreaterThan(0.05); // B ≠ 0: the adapter matters
    expect(relativeError(logits, outputs.get("peft_logits")!.data)).toBeLessThan(1e-4);
  });

  it("the lib's adapter, loaded by PEFT, gives the lib's outputs", () => {
    const model = baseModel();
    loadPeftAdapter(model, peftFiles("lib_adapter"));
    expect(relativeError(model.forward(ids).data, outputs.get("lib_adapter_logits")!.data)).toBeLessThan(1e-4);
  });
});

// DoRA, VeRA and PiSSA against real PEFT (0.21.0): files and outputs that
// scripts/fixtures/variants_fixtures.py wrote (test/fixtures/variants). Each adapter loads
// into lib's MLP with the same base weights and gives PEFT's outputs; written back, it loads again
// to the same outputs; PiSSA's init matches PEFT's up to SVD signs, and the PiSSA-to-LoRA
// conversion matches the file PEFT converts.
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {
  MLP, type PeftFiles, extractAdapter, fromRows, injectLoRA, loadModelWeights, loadPeftAdapter, loadPeftVariantAdapter,
  loraLayers, maxAbsDiff, mergeLoRA, pissaToLoRA, readPeftAdapter, readSafetensors, rng, writePeftAdapter, writePeftVariantAdapter
} from "../../lib/index.js";

const dir = new URL("../fixtures/variants/", import.meta.url);
const outputs = JSON.parse(readFileSync(new URL("outputs.json", dir), "utf8"));
const x = fromRows(outputs.input);
const files = (name: string): PeftFiles => ({
  config: readFileSync(new URL(`${name}/adapter_config.json`, dir), "utf8"),
  weights: new Uint8Array(readFileSync(new URL(`${name}/adapter_model.safetensors`, dir)))
});
function baseModel(weights = "base.safetensors"): MLP {
  const model = new MLP([6, 8, 8, 3], rng(0));
  loadModelWeights(model, new Uint8Array(readFileSync(new URL(weights, dir))));
  return model;
}
const expectClose = (model: MLP, expected: number[][], tolerance = 1e-5) => expect(maxAbsDiff(model.forward(x), fromRows(expected))).toBeLessThan(tolerance);

describe("PEFT fixtures", () => {
  it("the base weights give PEFT's base outputs", () => expectClose(baseModel(), outputs.base));

  for (const name of ["dora", "vera"] as const) {
    it(`${name}: PEFT's file loads and gives PEFT's outputs, merged and unmerged; written back it loads to the same`, () => {
      const model = baseModel();
      expect(loadPeftVariantAdapter(model, files(name), rng(1))).toBe(name);
      expectClose(model, outputs[name]);
      const written = writePeftVariantAdapter(model);
      const again = baseModel();
      loadPeftVariantAdapter(again, written, rng(2));
      expectClose(again, outputs[name]);
      // Same keys and shapes as PEFT wrote.
      const shapes = (w: Uint8Array) => Object.fromEntries([...readSafetensors(w).tensors].map(([k, t]) => [k, t.shape]));
      expect(shapes(written.weights)).toEqual(shapes(files(name).weights));
      mergeLoRA(model);
      expectClose(model, outputs[`${name}_merged`]);
    });
  }

  it("a fresh DoRA or VeRA model gives PEFT's step-0 output, the base's", () => {
    for (const variant of ["dora", "vera"]) {
      const model = baseModel();
      injectLoRA(model, {targetModules: ["layers.0", "layers.2"], rank: 2, alpha: 4, variant}, rng(1));
      expectClose(model, outputs[`${variant}_init`]);
    }
  });

  it("refuses a file with a wrong shape or a stray key, listing each problem and changing nothing", () => {
    const good = files("dora");
    const bad = {...good, config: JSON.stringify({...JSON.parse(good.config), r: 3})};
    const model = baseModel();
    expect(() => loadPeftVariantAdapter(model, bad, rng(1))).toThrow(/lora_A.weight: 2×6, expected 3×6/);
    expect(loraLayers(model)).toHaveLength(0);
    expect(() => loadPeftVariantAdapter(model, {...good, config: "{"}, rng(1))).toThrow(/not valid JSON/);
    expect(() => readPeftAdapter(good)).toThrow(/DoRA is not supported|unexpected key/);
  });

  it("pissa: lib's init gives PEFT's residual and s·B·A (up to SVD signs) on the same W0", () => {
    const model = baseModel();
    const peftResidual = baseModel("pissa_residual.safetensors");
    injectLoRA(model, {targetModules: ["layers.0", "layers.2"], rank: 2, alpha: 4, variant: "pissa"}, rng(1));
    for (const [path, layer] of loraLayers(model)) {
      const theirs = peftResidual.namedParameters().find(([n]) => n === `${path}.weight`)![1].value;
      expect(maxAbsDiff(layer.base.weight.value, theirs), path).toBeLessThan(1e-4);
    }
    expectClose(model, outputs.pissa_init);
  });

  it("pissa: PEFT's trained adapter on PEFT's residual gives its outputs, and pissaToLoRA gives PEFT's converted file on the original W0", () => {
    const onResidual = baseModel("pissa_residual.safetensors");
    loadPeftAdapter(onResidual, files("pissa"));
    expectClose(onResidual, outputs.pissa);
    const converted = pissaToLoRA(readPeftAdapter(files("pissa_init")), readPeftAdapter(files("pissa")));
    const peftConverted = readPeftAdapter(files("pissa_lora"));
    expect(converted.config).toEqual(peftConverted.config);
    for (const path of Object.keys(peftConverted.layers)) {
      expect(maxAbsDiff(converted.layers[path].A, peftConverted.layers[path].A)).toBe(0);
      expect(maxAbsDiff(converted.layers[path].B, peftConverted.layers[path].B)).toBe(0);
    }
    const onOriginal = baseModel();
    loadPeftAdapter(onOriginal, writePeftAdapter(converted));
    expectClose(onOriginal, outputs.pissa);
    expect(extractAdapter(onOriginal).config.rank).toBe(4);
  });
});

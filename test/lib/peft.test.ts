// PEFT's file layout: key names and shapes, adapter_config.json fields, round
// trips into a fresh base model, strict loading that changes nothing on failure,
// and the base model's own weights.
import {describe, expect, it} from "vitest";
import {MLP, type PeftFiles, applyAdapter, fromRows, injectLoRA, loadModelWeights, loadPeftAdapter, loraLayers, mergeLoRA, readPeftAdapter, readSafetensors, rng, writeModelWeights, writePeftAdapter, writeSafetensors} from "../../lib/index.js";
import {adaptedMLP, snapshot} from "./adapter-fixtures.js";

const input = fromRows([[0.5, -1, 2, 0.25, -0.75, 1], [1, 1, -1, 0, 0.5, -2]]);

/** Re-packs the weights of `files` after editing the tensor map (to build bad files from good ones). */
function edit(files: PeftFiles, change: (tensors: Map<string, {dtype: "F32"; shape: number[]; data: Float32Array}>) => void): PeftFiles {
  const tensors = new Map([...readSafetensors(files.weights).tensors].map(([k, t]) => [k, {...t, dtype: "F32" as const}]));
  change(tensors);
  return {config: files.config, weights: writeSafetensors(tensors, {format: "pt"})};
}

function editConfig(files: PeftFiles, change: Record<string, unknown>): PeftFiles {
  return {config: JSON.stringify({...JSON.parse(files.config), ...change}), weights: files.weights};
}

describe("writing", () => {
  const {adapter} = adaptedMLP({modulesToSave: ["layers.4"]});
  const files = writePeftAdapter(adapter, {baseModel: "lora-explained/mlp-6-8-8-3"});

  it("uses PEFT's key names and shapes: lora_A [r, in], lora_B [out, r], saved modules under their own path", () => {
    const {tensors, metadata} = readSafetensors(files.weights);
    const shapes = Object.fromEntries([...tensors].map(([key, t]) => [key, t.shape]));
    expect(shapes).toEqual({
      "base_model.model.layers.0.lora_A.weight": [2, 6],
      "base_model.model.layers.0.lora_B.weight": [8, 2],
      "base_model.model.layers.2.lora_A.weight": [2, 8],
      "base_model.model.layers.2.lora_B.weight": [8, 2],
      "base_model.model.layers.4.bias": [3],
      "base_model.model.layers.4.weight": [3, 8]
    });
    expect([...tensors.keys()]).toEqual(Object.keys(shapes).sort());
    expect(metadata).toEqual({format: "pt"});
    expect(tensors.get("base_model.model.layers.2.lora_B.weight")!.data).toEqual(adapter.layers["layers.2"].B.data);
  });

  it("writes adapter_config.json with PEFT's LoraConfig fields, keys sorted", () => {
    const config = JSON.parse(files.config);
    expect(config).toEqual({
      alpha_pattern: {}, base_model_name_or_path: "lora-explained/mlp-6-8-8-3", bias: "none", fan_in_fan_out: false,
      inference_mode: true, init_lora_weights: true, layers_pattern: null, layers_to_transform: null, lora_alpha: 4,
      lora_dropout: 0, modules_to_save: ["layers.4"], peft_type: "LORA", r: 2, rank_pattern: {}, revision: null,
      target_modules: ["layers.0", "layers.2"], task_type: null, use_dora: false, use_rslora: false
    });
    expect(Object.keys(config)).toEqual(Object.keys(config).sort());
  });

  it("records rsLoRA, init and target patterns when asked, and refuses patterns that miss a layer", () => {
    const rs = adaptedMLP({rank: 4, alpha: 8, rsLoRA: true}).adapter;
    const config = JSON.parse(writePeftAdapter(rs, {initLoraWeights: "gaussian", targetModules: ["0", "2"], taskType: "SEQ_CLS"}).config);
    expect([config.use_rslora, config.init_lora_weights, config.target_modules, config.task_type, config.modules_to_save])
      .toEqual([true, "gaussian", ["0", "2"], "SEQ_CLS", null]);
    expect(() => writePeftAdapter(rs, {targetModules: ["layers.0"]})).toThrow(/layers.2 is adapted but matches no target_modules/);
  });
});

describe("reading and loading", () => {
  it("a fresh base model loaded with the files computes what the trained model computes, exactly", () => {
    const {model, adapter} = adaptedMLP({modulesToSave: ["layers.4"]});
    const files = writePeftAdapter(adapter);
    const read = readPeftAdapter(files);
    expect(read).toEqual(adapter);

    const fresh = new MLP([6, 8, 8, 3], rng(100));
    loadPeftAdapter(fresh, files);
    expect(loraLayers(fresh).map(([name, layer]) => [name, layer.rank, layer.scaling])).toEqual([["layers.0", 2, 2], ["layers.2", 2, 2]]);
    expect(fresh.forward(input).data).toEqual(model.forward(input).data);
  });

  it("rsLoRA's scaling α/√r survives the trip", () => {
    const {adapter} = adaptedMLP({rank: 4, alpha: 8, rsLoRA: true});
    const read = readPeftAdapter(writePeftAdapter(adapter));
    expect(read.config.rsLoRA).toBe(true);
    expect(read.layers["layers.0"].scaling).toBe(8 / Math.sqrt(4));
  });

  it("F16 storage keeps every value to within half a binary16 ulp", () => {
    const {adapter} = adaptedMLP();
    const read = readPeftAdapter(writePeftAdapter(adapter, {dtype: "F16"}));
    const a = adapter.layers["layers.0"].A.data;
    const b = read.layers["layers.0"].A.data;
    expect(readSafetensors(writePeftAdapter(adapter, {dtype: "F16"}).weights).tensors.get("base_model.model.layers.0.lora_A.weight")!.dtype).toBe("F16");
    a.forEach((v, i) => expect(Math.abs(b[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25));
    expect(b).not.toEqual(a); // it did round
  });
});

describe("a failing load changes nothing", () => {
  const good = writePeftAdapter(adaptedMLP({seed: 7, modulesToSave: ["layers.4"]}).adapter);
  const cases: [string, PeftFiles, RegExp, number[]?][] = [
    ["missing lora_B", edit(good, (t) => t.delete("base_model.model.layers.2.lora_B.weight")), /"base_model.model.layers.2.lora_B.weight": missing/],
    [
      "unexpected key (PEFT's in-memory name, adapter name not removed)",
      edit(good, (t) => t.set("base_model.model.layers.2.lora_A.default.weight", {dtype: "F32", shape: [1], data: Float32Array.of(1)})),
      /"base_model.model.layers.2.lora_A.default.weight": unexpected key/
    ],
    [
      "A's rank is not the config's r",
      edit(good, (t) => t.set("base_model.model.layers.2.lora_A.weight", {dtype: "F32", shape: [3, 8], data: new Float32Array(24)})),
      /"base_model.model.layers.2.lora_A.weight": shape \[3, 8\], expected \[r = 2, in\]/
    ],
    [
      "A's in does not match the model's layer",
      edit(good, (t) => t.set("base_model.model.layers.2.lora_A.weight", {dtype: "F32", shape: [2, 7], data: new Float32Array(14)})),
      /layers.2: A is 2×7, expected 2×8 \(r × in\)/
    ],
    [
      "a saved module's shape does not match",
      edit(good, (t) => t.set("base_model.model.layers.4.weight", {dtype: "F32", shape: [4, 8], data: new Float32Array(32)})),
      /layers.4.weight: is 4×8, the model's is 3×8/
    ],
    ["a non-finite value", nonFinite(good), /"base_model.model.layers.2.lora_B.weight" has a non-finite value/],
    ["config r disagrees with the tensors", editConfig(good, {r: 3}), /expected \[r = 3, in\]/],
    ["DoRA", editConfig(good, {use_dora: true}), /use_dora: must be false/],
    ["another PEFT type", editConfig(good, {peft_type: "IA3"}), /peft_type: must be "LORA"/],
    ["an unknown bias mode", editConfig(good, {bias: "lora"}), /bias: must be "none", "lora_only" or "all"/],
    ["a regex target_modules", editConfig(good, {target_modules: ".*layers.*"}), /target_modules: must be a non-empty list/],
    ["rank_pattern", editConfig(good, {rank_pattern: {"layers.0": 4}}), /rank_pattern: must be empty/],
    ["layers outside target_modules", editConfig(good, {target_modules: ["layers.0"]}), /layers.2: not matched by target_modules/],
    ["saved module not in modules_to_save", editConfig(good, {modules_to_save: null}), /"base_model.model.layers.4.weight": unexpected key/],
    ["config not JSON", {config: "{r: 2", weights: good.weights}, /adapter_config.json is not valid JSON/],
    ["weights not safetensors", {config: good.config, weights: Uint8Array.of(1, 2)}, /shorter than the 8-byte/]
  ];
  for (const [what, files, message] of cases) {
    it(what, () => {
      const {model} = adaptedMLP({seed: 3, modulesToSave: ["layers.4"]});
      const before = snapshot(model);
      expect(() => loadPeftAdapter(model, files)).toThrow(message);
      expect(snapshot(model)).toEqual(before);
    });
  }

  it("the last module failing against the model leaves the earlier, valid ones unapplied", () => {
    // Output size 5, not 3: only layers.4 (checked after layers.0 and layers.2) is wrong.
    const model = new MLP([6, 8, 8, 5], rng(100));
    const before = snapshot(model);
    expect(() => loadPeftAdapter(model, good)).toThrow(/layers.4.weight: is 3×8, the model's is 5×8/);
    expect(snapshot(model)).toEqual(before);
    expect(loraLayers(model)).toEqual([]);
  });

  it("a merged model refuses a new adapter and lists every problem at once", () => {
    const {model} = adaptedMLP({seed: 3, modulesToSave: ["layers.4"]});
    mergeLoRA(model);
    const before = snapshot(model);
    const error = (() => {
      try {
        applyAdapter(model, readPeftAdapter(good));
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(error).toMatch(/2 problem\(s\)/);
    expect(error).toMatch(/layers.0: its LoRA layer is merged/);
    expect(error).toMatch(/layers.2: its LoRA layer is merged/);
    expect(snapshot(model)).toEqual(before);
  });
});

function nonFinite(files: PeftFiles): PeftFiles {
  // The writer refuses NaN, so patch a good file: a quiet NaN at the start of layers.2.lora_B's bytes.
  const bytes = files.weights.slice();
  const n = new DataView(bytes.buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const [begin] = header["base_model.model.layers.2.lora_B.weight"].data_offsets;
  new DataView(bytes.buffer).setUint32(8 + n + begin, 0x7fc00000, true);
  return {config: files.config, weights: bytes};
}

describe("base model weights", () => {
  it("are written with PyTorch's names and shapes, LoRA factors left out, and load back exactly", () => {
    const {model} = adaptedMLP();
    const bytes = writeModelWeights(model);
    const {tensors} = readSafetensors(bytes);
    expect(Object.fromEntries([...tensors].map(([k, t]) => [k, t.shape]))).toEqual({
      "layers.0.bias": [8], "layers.0.weight": [8, 6], "layers.2.bias": [8], "layers.2.weight": [8, 8],
      "layers.4.bias": [3], "layers.4.weight": [3, 8]
    });
    const other = new MLP([6, 8, 8, 3], rng(5));
    loadModelWeights(other, bytes);
    expect(other.forward(input).data).toEqual(new MLP([6, 8, 8, 3], rng(100)).forward(input).data);
  });

  it("refuse a merged model unless asked, and a mismatched file changes nothing", () => {
    const {model} = adaptedMLP();
    mergeLoRA(model);
    expect(() => writeModelWeights(model)).toThrow(/layers.0, layers.2 hold W0 \+ ΔW/);
    expect(writeModelWeights(model, {allowMerged: true}).length).toBeGreaterThan(0);

    const small = new MLP([6, 8, 3], rng(1));
    const target = new MLP([6, 8, 8, 3], rng(2));
    injectLoRA(target, {targetModules: ["layers.0"], rank: 1}, rng(3));
    const before = snapshot(target);
    expect(() => loadModelWeights(target, writeModelWeights(small))).toThrow(/layers.2.weight: shape \[3, 8\] in the file, \[8, 8\] in the model[\s\S]*layers.4.weight: missing/);
    expect(snapshot(target)).toEqual(before);
  });
});

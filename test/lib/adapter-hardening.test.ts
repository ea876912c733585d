// Adapters a hostile but fair file can carry: trained biases (PEFT's bias "lora_only" and
// "all") survive write -> read with PEFT's key names and the matching `bias` field, and an
// adapter whose scaling or weights would make the outputs non-finite is refused with the
// model left exactly as it was.
import {describe, expect, it} from "vitest";
import {
  type Adapter, type BiasMode, MLP, applyAdapter, extractAdapter, fillNormal, fromRows, injectLoRA, loadPeftAdapter, loraLayers,
  readPeftAdapter, readSafetensors, rng, writePeftAdapter, writeSafetensors
} from "../../lib/index.js";
import {adaptedMLP, snapshot} from "./adapter-fixtures.js";

const input = fromRows([[0.5, -1, 2, 0.25, -0.75, 1], [1, 1, -1, 0, 0.5, -2]]);

/** An MLP adapted on layers.0 and layers.2 with `bias`, its trainable biases moved as training would. */
function trainedWithBias(bias: BiasMode): MLP {
  const model = new MLP([6, 8, 8, 3], rng(100));
  injectLoRA(model, {targetModules: ["layers.0", "layers.2"], rank: 2, alpha: 4, bias}, rng(1));
  const random = rng(7);
  for (const [, layer] of loraLayers(model)) {
    fillNormal(random, layer.loraA.value.data, 0.5);
    fillNormal(random, layer.loraB.value.data, 0.5);
  }
  for (const p of model.trainableParameters()) if (p.name === "bias") fillNormal(random, p.value.data, 0.3);
  return model;
}

describe("trained biases: PEFT's keys and bias field, write -> read gives the same outputs", () => {
  const cases: [BiasMode, string[]][] = [
    ["lora_only", ["base_model.model.layers.0.base_layer.bias", "base_model.model.layers.2.base_layer.bias"]],
    ["all", ["base_model.model.layers.0.base_layer.bias", "base_model.model.layers.2.base_layer.bias", "base_model.model.layers.4.bias"]]
  ];
  for (const [bias, keys] of cases) {
    it(`bias "${bias}"`, () => {
      const trained = trainedWithBias(bias);
      const adapter = extractAdapter(trained);
      expect(adapter.config.bias).toBe(bias);
      const files = writePeftAdapter(adapter);
      expect(JSON.parse(files.config).bias).toBe(bias);
      const biasKeys = [...readSafetensors(files.weights).tensors.keys()].filter((key) => key.endsWith("bias"));
      expect(biasKeys).toEqual(keys);
      expect(readSafetensors(files.weights).tensors.get(keys[0])!.shape).toEqual([8]); // torch's 1-D bias

      const fresh = new MLP([6, 8, 8, 3], rng(100));
      const before = fresh.forward(input).data.slice();
      loadPeftAdapter(fresh, files);
      expect(fresh.forward(input).data).toEqual(trained.forward(input).data); // bit for bit in F32
      // Without the biases the outputs would differ: the test above can fail.
      const withoutBiases = new MLP([6, 8, 8, 3], rng(100));
      applyAdapter(withoutBiases, {...adapter, biases: {}, config: {...adapter.config, bias: "none"}});
      expect(Math.max(...withoutBiases.forward(input).data.map((v, i) => Math.abs(v - trained.forward(input).data[i])))).toBeGreaterThan(1e-3);
      expect(before).not.toEqual(fresh.forward(input).data);
    });
  }

  it('bias "none" writes no bias and says so; an explicit bias option overrides what the model shows', () => {
    const trained = trainedWithBias("lora_only");
    const adapter = extractAdapter(trained, {bias: "none"});
    expect(adapter.biases).toBeUndefined();
    const files = writePeftAdapter(adapter);
    expect(JSON.parse(files.config).bias).toBe("none");
    expect([...readSafetensors(files.weights).tensors.keys()].some((key) => key.endsWith("bias"))).toBe(false);
  });

  it('reads the key older PEFT wrote for "lora_only" (…<path>.bias), and refuses bias keys under bias "none"', () => {
    const files = writePeftAdapter(extractAdapter(trainedWithBias("lora_only")));
    const tensors = new Map([...readSafetensors(files.weights).tensors].map(([key, t]) => [key.replace(".base_layer.bias", ".bias"), t]));
    const legacy = {config: files.config, weights: writeSafetensors(tensors, {format: "pt"})};
    expect(Object.keys(readPeftAdapter(legacy).biases!)).toEqual(["layers.0", "layers.2"]);
    const none = {config: JSON.stringify({...JSON.parse(files.config), bias: "none"}), weights: files.weights};
    expect(() => readPeftAdapter(none)).toThrow(/"base_model\.model\.layers\.0\.base_layer\.bias": unexpected key/);
  });
});

describe("an adapter that would make the outputs non-finite is refused and changes nothing", () => {
  const bad = (change: (adapter: Adapter) => Adapter) => {
    const {adapter} = adaptedMLP();
    return change(adapter);
  };
  const cases: [string, Adapter, RegExp][] = [
    ["lora_alpha 1e308", bad((a) => ({...a, config: {...a.config, alpha: 1e308}, layers: Object.fromEntries(Object.entries(a.layers).map(([p, l]) => [p, {...l, scaling: 1e308 / a.config.rank}]))})),
      /layers\.0: scaling α\/r = 5e\+307 overflows float32; the model's outputs would be non-finite/],
    ["weights near 1e38", bad((a) => {
      const A = {...a.layers["layers.0"].A, data: a.layers["layers.0"].A.data.map(() => 1e38)};
      return {...a, layers: {...a.layers, "layers.0": {...a.layers["layers.0"], A}}};
    }), /layers\.0: W0 \+ scaling·B·A reaches \|.*e\+38\|, beyond float32's safe range/],
    ["weights whose product overflows a 6-term sum", bad((a) => {
      const B = {...a.layers["layers.2"].B, data: a.layers["layers.2"].B.data.map(() => 1e19)};
      const A = {...a.layers["layers.2"].A, data: a.layers["layers.2"].A.data.map(() => 1e19)};
      return {...a, layers: {...a.layers, "layers.2": {...a.layers["layers.2"], A, B}}};
    }), /layers\.2: W0 \+ scaling·B·A reaches/]
  ];
  for (const [name, adapter, message] of cases) {
    it(name, () => {
      const model = new MLP([6, 8, 8, 3], rng(100));
      const before = snapshot(model);
      expect(() => applyAdapter(model, adapter)).toThrow(message);
      expect(snapshot(model)).toEqual(before);
    });
  }

  it("through the PEFT files too (lora_alpha 1e308 in adapter_config.json)", () => {
    const {adapter} = adaptedMLP();
    const files = writePeftAdapter(adapter);
    const hostile = {config: JSON.stringify({...JSON.parse(files.config), lora_alpha: 1e308}), weights: files.weights};
    const model = new MLP([6, 8, 8, 3], rng(100));
    const before = snapshot(model);
    expect(() => loadPeftAdapter(model, hostile)).toThrow(/overflows float32/);
    expect(snapshot(model)).toEqual(before);
    expect(Array.from(model.forward(input).data).every(Number.isFinite)).toBe(true);
  });

  it("a large but safe adapter still applies (the bound is not a blanket refusal)", () => {
    const {adapter} = adaptedMLP({alpha: 1e6});
    const model = new MLP([6, 8, 8, 3], rng(100));
    applyAdapter(model, adapter);
    expect(Array.from(model.forward(input).data).every(Number.isFinite)).toBe(true);
  });
});

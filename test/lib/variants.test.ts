// The variant seam: injectLoRA resolves `variant` through the one list in
// lib/nn/variants.ts, a variant's factory sees every target with one shared Map
// (what VeRA's frozen tensors need), and LoRALinear stores its scaling rule, so an
// adapter read back says rsLoRA even at r = 1 where α/r and α/√r are the same number.
import {describe, expect, it} from "vitest";
import {
  type LoRAVariant, Linear, LoRALinear, MLP, extractAdapter, injectLoRA, isVariantName, loraVariant, loraVariants, rng
} from "../../lib/index.js";

const model = () => new MLP([6, 5, 4, 3], rng(0), {activation: "relu"});

describe("the LoRA variant registry", () => {
  it("lists plain LoRA first, finds variants by id and names the known ids for an unknown one", () => {
    expect(loraVariants[0].name).toBe("lora");
    expect(loraVariant("lora")).toBe(loraVariants[0]);
    expect(isVariantName("lora")).toBe(true);
    expect(isVariantName("full")).toBe(false);
    expect(() => loraVariant("dora-typo")).toThrow(/variant must be one of lora.*got dora-typo/);
    expect(() => injectLoRA(model(), {targetModules: ["layers.0"], rank: 2, variant: "nope"}, rng(1))).toThrow(RangeError);
  });

  it("defaults to plain LoRA: the same layers, with the same A, as variant: \"lora\"", () => {
    const implicit = injectLoRA(model(), {targetModules: ["layers.0", "layers.2"], rank: 2}, rng(1));
    const explicit = injectLoRA(model(), {targetModules: ["layers.0", "layers.2"], rank: 2, variant: "lora"}, rng(1));
    expect(implicit.map(([name]) => name)).toEqual(["layers.0", "layers.2"]);
    implicit.forEach(([, layer], i) => {
      expect(layer).toBeInstanceOf(LoRALinear);
      expect(layer.loraA.value.data).toEqual(explicit[i][1].loraA.value.data);
    });
  });

  it("calls a variant's factory once per target with its base Linear and one Map shared by all of them", () => {
    const seen: {base: Linear; shared: Map<string, unknown>}[] = [];
    const probe: LoRAVariant = {
      name: "probe",
      label: "probe",
      create(base, config, random, shared) {
        seen.push({base, shared});
        return new LoRALinear(base, config, random);
      }
    };
    const net = model();
    const bases = [net.layers.modules[0], net.layers.modules[2]];
    const layers = injectLoRA(net, {targetModules: ["layers.0", "layers.2"], rank: 2, variant: probe}, rng(1));
    expect(seen.map((s) => s.base)).toEqual(bases);
    expect(seen[0].shared).toBe(seen[1].shared);
    expect(layers.map(([, layer]) => layer.base)).toEqual(bases);
    // The new layers are in the model, where the bases were.
    expect(net.layers.modules[0]).toBe(layers[0][1]);
  });
});

describe("LoRALinear's scaling rule", () => {
  it("is stored, so rsLoRA survives extraction at r = 1 where both rules give the same scaling", () => {
    for (const rsLoRA of [false, true]) {
      const net = model();
      const [[, layer]] = injectLoRA(net, {targetModules: ["layers.2"], rank: 1, alpha: 2, rsLoRA}, rng(1));
      expect(layer.scalingRule).toBe(rsLoRA ? "alpha/sqrt-r" : "alpha/r");
      expect(layer.scaling).toBe(2); // α/1 = α/√1
      expect(extractAdapter(net).config.rsLoRA).toBe(rsLoRA);
    }
  });
});

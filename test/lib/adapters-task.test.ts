// The Adapters page's task code: the views are the permutations they claim to be,
// the per-example unmerged forward equals each row's own adapter merged, and a blend
// with weight 1 on one adapter is that adapter.
import {describe, expect, it} from "vitest";
import {type Adapter, Linear, adapterDeltas, baseWeights, blendAdapters, injectLoRA, matrix, maxAbsDiff, mixedAdapterForward, removeAdapter, rng, setDelta, switchAdapter, extractAdapter, gatherRows} from "../../lib/index.js";
import {type DigitSet, digitViews, digitsModel, digits, interleavedRows, viewDigits} from "../../lib/site/index.js";

/** One 14×14 image whose pixel i holds i (mod 256), so every permutation is visible. */
function numbered(): DigitSet {
  return {side: 14, pixels: Uint8Array.from({length: 196}, (_, i) => i), labels: new Uint8Array([3]), split: new Uint8Array([1])};
}

/** A random adapter for the digits MLP: A, B drawn, so ΔW ≠ 0. */
function randomAdapter(seed: number): Adapter {
  const model = digitsModel(digits.sizes, rng(0));
  const layers = injectLoRA(model, {targetModules: ["layers.0", "layers.2"], rank: 4, alpha: 8}, rng(seed));
  const random = rng(seed + 100);
  for (const [, layer] of layers) for (let i = 0; i < layer.loraB.value.data.length; i++) layer.loraB.value.data[i] = random.random() - 0.5;
  return extractAdapter(model);
}

describe("digit views", () => {
  it("mirror and flip are involutions, four quarter turns are the identity, and mirror ∘ flip is the half turn", () => {
    const set = numbered();
    expect(viewDigits(viewDigits(set, "mirrored"), "mirrored").pixels).toEqual(set.pixels);
    expect(viewDigits(viewDigits(set, "flipped"), "flipped").pixels).toEqual(set.pixels);
    let turned = set;
    for (let i = 0; i < 4; i++) turned = viewDigits(turned, "rot90");
    expect(turned.pixels).toEqual(set.pixels);
    expect(viewDigits(viewDigits(set, "mirrored"), "flipped").pixels).toEqual(viewDigits(set, "rot180").pixels);
    expect(viewDigits(viewDigits(set, "rot90"), "rot90").pixels).toEqual(viewDigits(set, "rot180").pixels);
  });

  it("rot90 turns clockwise: the top-left pixel goes to the top-right corner", () => {
    expect(digitViews.rot90.source(0, 13, 14)).toEqual([0, 0]);
    expect(viewDigits(numbered(), "rot90").pixels[13]).toBe(0);
  });
});

describe("serving several adapters", () => {
  const adapters = [randomAdapter(1), randomAdapter(2), randomAdapter(3)];
  const datasets = [0, 1, 2].map((k) => {
    const inputs = matrix(7, 196);
    const random = rng(50 + k);
    for (let i = 0; i < inputs.data.length; i++) inputs.data[i] = random.random();
    return {inputs, targets: new Int32Array(7)};
  });

  it("unmerged per-example adapters equal each row's own adapter merged", () => {
    const model = digitsModel(digits.sizes, rng(9));
    const w0 = baseWeights(model);
    const {inputs, assignment} = interleavedRows(datasets, 20);
    expect([...assignment.slice(0, 4)]).toEqual([0, 1, 2, 0]);
    const mixed = mixedAdapterForward(model, inputs, adapters, assignment);
    adapters.forEach((adapter, k) => {
      const rows = Int32Array.from(assignment.keys()).filter((row) => assignment[row] === k);
      setDelta(model, w0, adapterDeltas(adapter));
      const merged = model.forward(gatherRows(inputs, rows));
      setDelta(model, w0, {});
      expect(maxAbsDiff(gatherRows(mixed, rows), merged)).toBeLessThan(1e-4);
    });
    // And the adapters matter: without them the outputs differ.
    expect(maxAbsDiff(mixed, model.forward(inputs))).toBeGreaterThan(1e-2);
  });

  it("a blend with weight 1 on one adapter is that adapter; setDelta({}) restores W0 exactly", () => {
    const model = digitsModel(digits.sizes, rng(9));
    const w0 = baseWeights(model);
    const blended = blendAdapters(adapters, [0, 1, 0]);
    const own = adapterDeltas(adapters[1]);
    for (const path of Object.keys(own)) expect(maxAbsDiff(blended[path], own[path])).toBeLessThan(1e-6);
    setDelta(model, w0, blended);
    setDelta(model, w0, {});
    for (const [path, module] of model.namedModules()) if (module instanceof Linear) expect(module.weight.value.data).toEqual(w0.get(path)!.data);
  });

  it("removeAdapter unmerges and leaves plain Linear layers", () => {
    const model = digitsModel(digits.sizes, rng(9));
    const w0 = baseWeights(model);
    switchAdapter(model, adapters[0]);
    switchAdapter(model, adapters[2]);
    removeAdapter(model);
    for (const [path, module] of model.namedModules()) {
      if (module instanceof Linear) expect(maxAbsDiff(module.weight.value, w0.get(path)!)).toBeLessThan(1e-5);
    }
    expect(() => mixedAdapterForward(model, datasets[0].inputs, adapters, new Int32Array(7))).not.toThrow();
  });
});

// The Adapters page's task code: the views are the permutations they claim to be,
// the per-example unmerged forward equals each row's own adapter merged, and a blend
// with weight 1 on one adapter is that adapter; the page's blend line and serving
// timing, run on PEFT files written here, with a clock the test controls.
import {describe, expect, it} from "vitest";
import {type Adapter, Linear, adapterDeltas, baseWeights, blendAdapters, injectLoRA, matrix, maxAbsDiff, mixedAdapterForward, removeAdapter, rng, setDelta, switchAdapter, extractAdapter, gatherRows, writeModelWeights, writePeftAdapter} from "../../lib/index.js";
import {type DigitSet, accuracyOn, allViews, blendLine, digitViews, digitsModel, digits, encodeDigits, interleavedRows, loadShelf, pairWeights, predictions, servingTiming, viewDigits} from "../../lib/site/index.js";

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

describe("the page's experiments (blend line, serving timing)", () => {
  // 30 random test digits 0–4, written as the page's files: a base, digits.bin and three PEFT adapters.
  const random = rng(77);
  const set: DigitSet = {side: 14, pixels: Uint8Array.from({length: 30 * 196}, () => Math.floor(256 * random.random())), labels: Uint8Array.from({length: 30}, (_, i) => i % 5), split: new Uint8Array(30).fill(1)};
  const adapters = [randomAdapter(4), randomAdapter(5), randomAdapter(6)];
  const files = {
    base: writeModelWeights(digitsModel(digits.sizes, rng(11))),
    digits: encodeDigits(set),
    adapters: adapters.map((adapter) => writePeftAdapter(adapter))
  };

  it("loads the files as written: the base's weights, every view of the digits, the adapters bit for bit", () => {
    const shelf = loadShelf(files);
    expect(maxAbsDiff(shelf.w0.get("layers.0")!, baseWeights(digitsModel(digits.sizes, rng(11))).get("layers.0")!)).toBe(0);
    expect(Object.keys(shelf.tests).sort()).toEqual([...allViews].sort());
    expect(shelf.tests.rot180.inputs.rows).toBe(30);
    expect(shelf.adapters[2].layers["layers.2"].B.data).toEqual(adapters[2].layers["layers.2"].B.data);
    expect(() => loadShelf({...files, adapters: files.adapters.slice(1)})).toThrow(/expected 3 adapters/);
  });

  it("the blend line's ends are each adapter alone, and the model is back at W0 after it", () => {
    const shelf = loadShelf(files);
    // Labels = what the first adapter predicts, so at t = 0 every view is 100% by construction.
    setDelta(shelf.model, shelf.w0, adapterDeltas(shelf.adapters[0]));
    for (const view of allViews) shelf.tests[view] = {...shelf.tests[view], targets: predictions(shelf.model, shelf.tests[view].inputs)};
    setDelta(shelf.model, shelf.w0, adapterDeltas(shelf.adapters[1]));
    const secondAlone = Object.fromEntries(allViews.map((view) => [view, accuracyOn(shelf.model, shelf.tests[view])]));
    setDelta(shelf.model, shelf.w0, {});

    const run = blendLine(shelf, [0, 1], 5);
    const progress: number[] = [];
    let next = run.next();
    for (; !next.done; next = run.next()) progress.push(next.value.done);
    const line = next.value;
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(line.map((point) => point.t)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    for (const view of allViews) expect(line[0].accuracy[view]).toBe(1);
    expect(line[4].accuracy).toEqual(secondAlone);
    expect(Object.values(secondAlone).some((accuracy) => accuracy < 1)).toBe(true); // the two adapters differ
    for (const [path, module] of shelf.model.namedModules()) if (module instanceof Linear) expect(module.weight.value.data).toEqual(shelf.w0.get(path)!.data);
    expect(pairWeights(3, [2, 0], 0.25)).toEqual([0.25, 0, 0.75]);
  });

  it("refuses a pair of one adapter, an adapter not on the shelf, and too few points", () => {
    const shelf = loadShelf(files);
    expect(() => blendLine(shelf, [1, 1], 5).next()).toThrow(/two different adapters/);
    expect(() => blendLine(shelf, [0, 3], 5).next()).toThrow(/two different adapters among 0..2/);
    expect(() => blendLine(shelf, [0, 1], 1).next()).toThrow(/points must be a whole number from 2 to 101/);
  });

  it("times with the caller's clock: a clock that ticks 1 ms per read gives exact medians; unmerged rows match their adapter", () => {
    let now = 0;
    const run = servingTiming(loadShelf(files), {rows: 12, repeats: 3, clock: () => now++});
    let next = run.next(), yields = 0;
    for (; !next.done; next = run.next()) yields++;
    const timing = next.value;
    expect(yields).toBe(3);
    // Calibration: 5 passes between two reads = 1 ms, 0.2 ms a pass, so 75 passes make the 15 ms a sample needs.
    expect(timing.inner).toBe(75);
    expect(timing.median).toEqual({merged: 1 / 75, unmerged: 1 / 75, switching: 1 / 75});
    expect(timing.maxDiff).toBeLessThan(1e-4);
    expect(() => servingTiming(loadShelf(files), {rows: 2, repeats: 3, clock: () => 0}).next()).toThrow(/rows must be a whole number from 3/);
  });
});

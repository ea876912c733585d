// DoRA, PiSSA, VeRA and LoRA on an NF4 base: gradients by finite differences, the identity each
// has at step 0, merge = unmerged forward, and NF4's levels and rounding.
import {describe, expect, it} from "vitest";
import {
  DoRALinear, Linear, LoRALinear, MLP, NF4_LEVELS, NF4LoRALinear, VeRALinear, dequantizeNF4, fillNormal, injectLoRA,
  maxAbsDiff, nearestNF4, nf4Bytes, pissaLinear, quantizeNF4, rng, zeroGrad
} from "../../lib/index.js";
import {TOLERANCE, checkModule, randomMatrix} from "./gradcheck.js";

const x = randomMatrix(5, 7, 3);

/** A variant layer on a 7 → 6 Linear with every trained tensor moved off its init (as after training). */
function trained<T extends LoRALinear>(make: (base: Linear) => T): T {
  const layer = make(new Linear(7, 6, rng(1)));
  const random = rng(5);
  for (const p of layer.ownParameters()) if (p.trainable) fillNormal(random, p.value.data, 0.5, p.name === "lora_magnitude_vector" ? 1 : 0);
  return layer;
}

describe("DoRA", () => {
  it("starts equal to the base: m = ‖W0‖ per output row and B = 0", () => {
    const base = new Linear(7, 6, rng(1));
    const y0 = base.forward(x);
    const layer = new DoRALinear(base, {rank: 2, alpha: 4}, rng(2));
    expect(maxAbsDiff(layer.forward(x), y0)).toBeLessThan(1e-6);
    const w = base.weight.value;
    for (let i = 0; i < w.rows; i++) {
      const norm = Math.hypot(...w.data.subarray(i * w.cols, (i + 1) * w.cols));
      expect(layer.magnitude.value.data[i]).toBeCloseTo(norm, 6);
    }
  });

  it("has exact finite-difference gradients for m, b and x, the norm being a constant in backward as in PEFT", () => {
    const layer = trained((base) => new DoRALinear(base, {rank: 2, alpha: 4}, rng(2)));
    layer.base.bias!.trainable = true;
    const errors = checkModule(layer, x);
    for (const name of ["lora_magnitude_vector", "base_layer.bias", "dx"]) expect(errors[name], name).toBeLessThan(TOLERANCE);
  });

  it("gives A and B LoRA's gradients of dy ⊙ m/‖W0 + sBA‖ (detached norm), which finite differences of the full function do not match", () => {
    const layer = trained((base) => new DoRALinear(base, {rank: 2, alpha: 4}, rng(2)));
    const plain = new LoRALinear(layer.base, {rank: 2, alpha: 4}, rng(2));
    plain.loraA.value.data.set(layer.loraA.value.data);
    plain.loraB.value.data.set(layer.loraB.value.data);
    const dy = randomMatrix(5, 6, 9);
    zeroGrad([...layer.parameters(), ...plain.parameters()]);
    layer.forward(x);
    layer.backward(dy);
    const norm = layer.weightNorm();
    const scaled = randomMatrix(5, 6, 9);
    for (let i = 0; i < scaled.data.length; i++) scaled.data[i] *= layer.magnitude.value.data[i % 6] / norm[i % 6];
    plain.forward(x);
    plain.backward(scaled);
    expect(maxAbsDiff(layer.loraA.grad, plain.loraA.grad)).toBeLessThan(1e-5);
    expect(maxAbsDiff(layer.loraB.grad, plain.loraB.grad)).toBeLessThan(1e-5);
    // The full derivative includes ∂‖·‖/∂A; the detached gradient differs from it by O(1).
    expect(checkModule(layer, x)["lora_B"]).toBeGreaterThan(10 * TOLERANCE);
  });

  it("merges to the unmerged output and unmerges back to W0", () => {
    const layer = trained((base) => new DoRALinear(base, {rank: 2, alpha: 4}, rng(2)));
    const w0 = layer.base.weight.value.data.slice();
    const unmerged = layer.forward(x);
    layer.merge();
    expect(maxAbsDiff(layer.forward(x), unmerged)).toBeLessThan(1e-5);
    layer.unmerge();
    expect(Math.max(...layer.base.weight.value.data.map((v, i) => Math.abs(v - w0[i])))).toBeLessThan(1e-5);
  });
});

describe("PiSSA", () => {
  it("puts W0's top-r singular part in s·B·A and the residual in the base: residual + adapter = W0", () => {
    const base = new Linear(7, 6, rng(1));
    const w0 = base.weight.value.data.slice();
    const y0 = base.forward(x);
    const layer = pissaLinear(base, {rank: 3, alpha: 6}, rng(2));
    const delta = layer.deltaW();
    for (let k = 0; k < w0.length; k++) expect(base.weight.value.data[k] + delta.data[k]).toBeCloseTo(w0[k], 5);
    expect(maxAbsDiff(layer.forward(x), y0)).toBeLessThan(1e-5);
    // B starts non-zero (the principal directions), unlike LoRA's B = 0.
    expect(Math.max(...layer.loraB.value.data.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it("is LoRA from there: exact gradients and merge = unmerged", () => {
    const layer = pissaLinear(new Linear(7, 6, rng(1)), {rank: 2, alpha: 2}, rng(2));
    for (const [name, error] of Object.entries(checkModule(layer, x))) expect(error, name).toBeLessThan(TOLERANCE);
    const unmerged = layer.forward(x);
    layer.merge();
    expect(maxAbsDiff(layer.forward(x), unmerged)).toBeLessThan(1e-5);
  });
});

describe("VeRA", () => {
  it("starts equal to the base (λ_b = 0, λ_d = 0.1 as in PEFT) and trains r + out values per layer", () => {
    const net = new MLP([7, 9, 6], rng(0));
    const y0 = net.forward(x);
    const layers = injectLoRA(net, {targetModules: ["layers.0", "layers.2"], rank: 4, variant: "vera"}, rng(1));
    expect(maxAbsDiff(net.forward(x), y0)).toBe(0);
    const [[, first], [, second]] = layers as [string, VeRALinear][];
    expect([...first.lambdaD.value.data]).toEqual([0.1, 0.1, 0.1, 0.1].map(Math.fround));
    expect(net.trainableParameters().reduce((n, p) => n + p.value.data.length, 0)).toBe(4 + 9 + 4 + 6);
    // One projection shared by both layers, sized to the largest: A (r × max in), B (max out × r).
    expect(first.projection).toBe(second.projection);
    expect([first.projection.A.rows, first.projection.A.cols, first.projection.B.rows, first.projection.B.cols]).toEqual([4, 9, 9, 4]);
  });

  it("has exact finite-difference gradients for λ_b, λ_d and x, with and without dropout", () => {
    // A projection larger than the layer: the layer uses its slices A[:, :7] and B[:6, :].
    const layer = trained((base) => new VeRALinear(base, {rank: 3, dropout: 0.3}, rng(2), {A: randomMatrix(3, 9, 4), B: randomMatrix(8, 3, 6)}));
    for (const training of [false, true]) {
      const errors = checkModule(layer, x, {training, beforeForward: () => (layer.dropoutRng = rng(11))});
      for (const [name, error] of Object.entries(errors)) expect(error, `${name} training=${training}`).toBeLessThan(TOLERANCE);
    }
  });

  it("merges ΔW = Λ_b·B·Λ_d·A to the unmerged output", () => {
    const layer = trained((base) => new VeRALinear(base, {rank: 3}, rng(2), {A: randomMatrix(3, 7, 4), B: randomMatrix(6, 3, 6)}));
    const unmerged = layer.forward(x);
    layer.merge();
    expect(maxAbsDiff(layer.forward(x), unmerged)).toBeLessThan(1e-5);
  });
});

describe("NF4 and LoRA on an NF4 base", () => {
  it("has bitsandbytes' 16 levels: sorted, from −1 to 1, with an exact 0", () => {
    expect(NF4_LEVELS).toHaveLength(16);
    expect([NF4_LEVELS[0], NF4_LEVELS[7], NF4_LEVELS[15]]).toEqual([-1, 0, 1]);
    for (let i = 1; i < 16; i++) expect(NF4_LEVELS[i]).toBeGreaterThan(NF4_LEVELS[i - 1]);
    NF4_LEVELS.forEach((level, code) => expect(nearestNF4(level)).toBe(code));
  });

  it("quantises block-wise (64) to the nearest level times the block's absmax; each block's max is exact", () => {
    const values = fillNormal(rng(3), new Float32Array(150), 0.05);
    const q = quantizeNF4(values);
    expect(q.absmax).toHaveLength(3);
    expect(nf4Bytes(q)).toBe(75 + 12);
    const back = dequantizeNF4(q);
    for (let i = 0; i < values.length; i++) {
      const absmax = q.absmax[Math.floor(i / 64)];
      const best = Math.min(...NF4_LEVELS.map((l) => Math.abs(values[i] - l * absmax)));
      expect(Math.abs(values[i] - back[i])).toBeCloseTo(best, 6);
    }
    const worst = values.subarray(0, 64).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(Math.max(...back.subarray(0, 64).map(Math.abs))).toBeCloseTo(worst, 7);
  });

  it("dequantises the base on the fly; LoRA on top trains with exact gradients and starts at the NF4 base", () => {
    const base = new Linear(7, 6, rng(1));
    const layer = new NF4LoRALinear(base, {rank: 2}, rng(2));
    const q = dequantizeNF4(quantizeNF4(layer.original));
    expect([...base.weight.value.data]).toEqual([...q]);
    for (const [name, error] of Object.entries(checkModule(trained((b) => new NF4LoRALinear(b, {rank: 2}, rng(2))), x))) {
      expect(error, name).toBeLessThan(TOLERANCE);
    }
  });

  it("merging into NF4 re-quantises: a tiny ΔW vanishes, a large one changes the output, unmerged keeps it exactly", () => {
    const change = (size: number) => {
      const layer = new NF4LoRALinear(new Linear(7, 6, rng(1)), {rank: 2}, rng(2));
      fillNormal(rng(4), layer.loraB.value.data, size);
      const unmerged = layer.forward(x);
      layer.merge();
      return maxAbsDiff(layer.forward(x), unmerged);
    };
    expect(change(1e-5)).toBeGreaterThan(0); // the adapter's contribution is rounded away, not kept
    expect(change(0.3)).toBeGreaterThan(change(1e-5));
  });
});

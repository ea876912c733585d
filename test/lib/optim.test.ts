// Optimizers against hand-computed updates (PyTorch's formulas), clipping, LoRA+.
import {describe, expect, it} from "vitest";
import {type MatmulKernels, Adam, AdamW, MLP, SGD, clipGradNorm, fillNormal, gradNorm, injectLoRA, loraPlusMultipliers, matrix, parameter, referenceKernels, rng, setKernels, wasmKernels} from "../../lib/index.js";

function param(values: number[], grad: number[], options = {}) {
  const p = parameter("w", matrix(1, values.length, Float32Array.from(values)), options);
  p.grad.data.set(grad);
  return p;
}

describe("SGD", () => {
  it("plain step θ − lr·g, then momentum v = μv + g", () => {
    const p = param([1, -2], [0.5, 1]);
    const sgd = new SGD([p], {lr: 0.1, momentum: 0.9});
    sgd.step();
    expect(Array.from(p.value.data)).toEqual([1 - 0.05, -2 - 0.1].map(Math.fround));
    sgd.step(); // v = 0.9·g + g = 1.9·g
    expect(p.value.data[0]).toBeCloseTo(0.95 - 0.1 * 1.9 * 0.5, 6);
    expect(sgd.stateBytes()).toBe(8);
    expect(new SGD([param([1], [1])], {lr: 0.1}).stateBytes()).toBe(0);
  });

  it("coupled weight decay adds wd·θ to the gradient, except where the parameter opts out", () => {
    const decayed = param([2], [0]);
    const exempt = param([2], [0], {weightDecay: false});
    new SGD([decayed, exempt], {lr: 0.5, weightDecay: 0.1}).step();
    expect(decayed.value.data[0]).toBeCloseTo(2 - 0.5 * 0.1 * 2, 6);
    expect(exempt.value.data[0]).toBe(2);
  });
});

describe("Adam and AdamW", () => {
  it("the first Adam step moves each entry by lr·sign(g) (bias correction makes m̂/√v̂ = ±1)", () => {
    const p = param([1, 1, 1], [0.3, -5, 1e-3]);
    const adam = new Adam([p], {lr: 0.01});
    adam.step();
    Array.from(p.value.data).forEach((v, i) => expect(v).toBeCloseTo(1 - 0.01 * Math.sign(p.grad.data[i]), 5));
    expect(adam.stateBytes()).toBe(3 * 2 * 4);
  });

  it("the second step follows m, v with bias correction", () => {
    const p = param([0], [1]);
    const adam = new Adam([p], {lr: 0.1, betas: [0.5, 0.75]});
    adam.step(); // θ = −0.1
    p.grad.data[0] = 3;
    adam.step();
    const m = 0.5 * 0.5 * 1 + 0.5 * 3, v = 0.75 * 0.25 * 1 + 0.25 * 9;
    const expected = -0.1 - (0.1 * (m / (1 - 0.25))) / (Math.sqrt(v / (1 - 0.5625)) + 1e-8);
    expect(p.value.data[0]).toBeCloseTo(expected, 6);
  });

  it("AdamW decays θ by lr·wd outside the adaptive step; Adam's decay goes through it", () => {
    const w = param([2], [0]);
    new AdamW([w], {lr: 0.1, weightDecay: 0.5}).step();
    expect(w.value.data[0]).toBeCloseTo(2 * (1 - 0.05), 6); // g = 0: only the decoupled shrink
    const a = param([2], [0]);
    new Adam([a], {lr: 0.1, weightDecay: 0.5}).step();
    expect(a.value.data[0]).toBeCloseTo(2 - 0.1, 5); // g = wd·θ = 1 > 0: a full lr-sized Adam step
  });

  it("lrMultiplier scales one parameter's step", () => {
    const slow = param([0], [1]);
    const fast = param([0], [1], {lrMultiplier: 16});
    new Adam([slow, fast], {lr: 0.01}).step();
    expect(fast.value.data[0] / slow.value.data[0]).toBeCloseTo(16, 4);
  });

  it("the SIMD update of large tensors (wasm engine) matches the scalar loop (TS engine) over 5 steps", () => {
    // 3,001 values: above the SIMD threshold, with a ragged tail past the last 4-lane group.
    const run = (decoupled: boolean) => {
      const random = rng(11);
      const p = param(Array.from(fillNormal(random, new Float32Array(3001))), []);
      const optimizer = decoupled ? new AdamW([p], {lr: 0.01, weightDecay: 0.1}) : new Adam([p], {lr: 0.01, weightDecay: 0.1});
      for (let step = 0; step < 5; step++) {
        fillNormal(random, p.grad.data);
        optimizer.step();
      }
      return p.value.data;
    };
    expect(wasmKernels).not.toBeNull();
    for (const decoupled of [false, true]) {
      // Each engine said explicitly: importing lib installs neither.
      const previous = setKernels(referenceKernels);
      const scalar = run(decoupled);
      setKernels(wasmKernels as MatmulKernels);
      const simd = run(decoupled);
      setKernels(previous);
      // float32 arithmetic in wasm vs float64 then rounding in JS: a few ulps apart.
      let worst = 0;
      for (let i = 0; i < scalar.length; i++) worst = Math.max(worst, Math.abs(simd[i] - scalar[i]) / Math.max(1, Math.abs(scalar[i])));
      expect(worst).toBeLessThan(1e-5);
      // Not bit-identical: float32 vs float64 intermediates, which shows the SIMD path really ran.
      expect(Array.from(simd)).not.toEqual(Array.from(scalar));
    }
  });

  it("keeps one set of moments when the engine changes mid-run (the scalar loop reads the resident m and v)", () => {
    const run = (engines: MatmulKernels[]) => {
      const random = rng(12);
      const p = param(Array.from(fillNormal(random, new Float32Array(2049))), []);
      const optimizer = new Adam([p], {lr: 0.01});
      const previous = setKernels(engines[0]);
      try {
        for (const engine of engines) {
          setKernels(engine);
          fillNormal(random, p.grad.data);
          optimizer.step();
        }
      } finally {
        setKernels(previous);
      }
      return p.value.data;
    };
    const wasm = wasmKernels as MatmulKernels;
    const scalar = run([referenceKernels, referenceKernels, referenceKernels, referenceKernels]);
    const mixed = run([wasm, wasm, referenceKernels, referenceKernels]);
    let worst = 0;
    for (let i = 0; i < scalar.length; i++) worst = Math.max(worst, Math.abs(mixed[i] - scalar[i]));
    // Lost moments would restart bias correction: steps of lr = 0.01 instead of ~lr·m̂/√v̂.
    expect(worst).toBeLessThan(1e-5);
  });

  it("refuses frozen or duplicated parameters", () => {
    const p = param([0], [1]);
    expect(() => new Adam([p, p])).toThrow(/listed twice/);
    p.trainable = false;
    expect(() => new SGD([p], {lr: 1})).toThrow(/frozen/);
  });
});

describe("clipGradNorm", () => {
  it("scales gradients to the max norm and returns the norm before clipping", () => {
    const a = param([0, 0], [3, 0]), b = param([0], [4]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
    expect(gradNorm([a, b])).toBeCloseTo(1, 5);
    expect(a.grad.data[0]).toBeCloseTo(0.6, 5);
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 5); // below the limit: untouched
    expect(a.grad.data[0]).toBeCloseTo(0.6, 5);
  });
});

describe("gradNorm", () => {
  it("is √Σg² in float64 over tensors of every length (SIMD body and tail on the wasm engine)", () => {
    const random = rng(3);
    const tensors = [1, 3, 4, 1027, 70_001].map((n) => param(new Array(n).fill(0), Array.from(fillNormal(random, new Float32Array(n)))));
    let sum = 0;
    for (const p of tensors) for (let i = 0; i < p.grad.data.length; i++) sum += p.grad.data[i] ** 2;
    expect(gradNorm(tensors)).toBeCloseTo(Math.sqrt(sum), 9);
    // One value more than the tail shows: a missed element would move the norm by far more.
    tensors[3].grad.data[1026] += 1;
    expect(Math.abs(gradNorm(tensors) - Math.sqrt(sum))).toBeGreaterThan(1e-4);
  });
});

describe("LoRA+", () => {
  it("sets lr_B = ratio · lr_A on every adapter", () => {
    const model = new MLP([4, 6, 3], rng(1));
    const adapters = injectLoRA(model, {targetModules: ["layers.0", "layers.2"], rank: 2}, rng(2));
    expect(loraPlusMultipliers(model, 16)).toBe(2);
    for (const [, layer] of adapters) {
      expect(layer.loraB.options.lrMultiplier).toBe(16);
      expect(layer.loraA.options.lrMultiplier).toBe(1);
    }
  });
});

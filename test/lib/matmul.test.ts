// The WebAssembly SIMD kernels against the reference TypeScript kernels and mathjs,
// on every combination of awkward sizes (1, 3, 7: smaller than a 4×8 tile and not
// a multiple of 4; 14: a whole tile plus a partial one of 2 rows or 6 columns, whose
// store must not spill into the next row; 65, 257: one past a whole number of
// tiles and of SIMD steps).
import {multiply, transpose as mathTranspose} from "mathjs";
import {describe, expect, it, vi} from "vitest";
import {type Matrix, type MatmulKernels, adamUpdateWasm, axpyWasm, fillNormal, fromRows, kernels, kernelsBuild, matrix, referenceKernels, rng, toRows, useFastKernels, wasmKernels} from "../../lib/index.js";
import {relaxedSimdSupported} from "../../lib/wasm/module.js";

type Product = "matmul" | "matmulTransB" | "matmulTransA";
const PRODUCTS: Product[] = ["matmul", "matmulTransB", "matmulTransA"];
const SIZES = [1, 3, 7, 14, 65, 257];

const wasm = wasmKernels as MatmulKernels; // asserted non-null in the first test
const random = rng(2024);

function randomMatrix(rows: number, cols: number): Matrix {
  return matrix(rows, cols, fillNormal(random, new Float32Array(rows * cols)));
}

// Operands of `product` for an m×n output with shared dimension k.
function operands(product: Product, m: number, k: number, n: number): [Matrix, Matrix] {
  if (product === "matmul") return [randomMatrix(m, k), randomMatrix(k, n)]; // (m×k)·(k×n)
  if (product === "matmulTransB") return [randomMatrix(m, k), randomMatrix(n, k)]; // (m×k)·(n×k)ᵀ
  return [randomMatrix(k, m), randomMatrix(k, n)]; // (k×m)ᵀ·(k×n)
}

const absolute = (x: Matrix): Matrix => ({...x, data: x.data.map(Math.abs)});

// Float32 results depend on rounding and order: the kernels round every product
// and partial sum to float32 (or, in the relaxed-SIMD build, each fused
// multiply-add once, which only tightens the bound below) and add the accumulated-into value last; the
// reference forms products in double and, in matmulTransB, sums in double.
// Higham's bound |fl(Σ) − Σ| ≤ γₖ·Σ|terms|, γₖ ≈ k·2⁻²⁴, holds for each, so they
// may differ by 2·γ₍ₖ₊₁₎·(|a|·|b| + |c₀|) entry-wise (c₀: the accumulated-into
// start). A wrong or missing term is of order |aᵢₚ·bₚⱼ|, far above that bound
// (≈ 3e-5 of Σ|aᵢₚ·bₚⱼ| at k = 257), so the check can fail.
function withinFloat32Bound(product: Product, a: Matrix, b: Matrix, start: Matrix | null, actual: Matrix, expected: Matrix): boolean {
  const k = product === "matmulTransA" ? a.rows : a.cols;
  const scale = referenceKernels[product](absolute(a), absolute(b));
  const tolerance = (k + 2) * 2 ** -23;
  for (let i = 0; i < actual.data.length; i++) {
    const magnitude = scale.data[i] + (start ? Math.abs(start.data[i]) : 0);
    if (!(Math.abs(actual.data[i] - expected.data[i]) <= tolerance * magnitude)) return false;
  }
  return actual.rows === expected.rows && actual.cols === expected.cols;
}

describe("wasm-simd kernels", () => {
  it("load in Node, and run only once useFastKernels() installs them: importing lib switches nothing", async () => {
    expect(wasmKernels).not.toBeNull();
    expect(wasm.name).toBe("wasm-simd");
    vi.resetModules(); // a fresh copy of lib, as a page or worker first imports it
    try {
      const fresh = await import("../../lib/index.js");
      expect(fresh.kernels().name).toBe("typescript");
      expect(fresh.useFastKernels()).toBe(true);
      expect(fresh.kernels().name).toBe("wasm-simd");
      expect(fresh.fastKernelsActive()).toBe(true);
    } finally {
      vi.resetModules();
    }
  });

  it("fall back to the TypeScript kernels without WebAssembly or without its SIMD", async () => {
    // An engine that compiles WebAssembly but validates no SIMD binary, and none at all.
    const {Module, Instance, Memory} = WebAssembly;
    for (const stub of [{Module, Instance, Memory, validate: () => false}, undefined]) {
      vi.resetModules(); // a fresh copy of the modules, loaded under the stub
      vi.stubGlobal("WebAssembly", stub);
      try {
        const fresh = await import("../../lib/matrix/index.js");
        expect(fresh.wasmKernels).toBeNull();
        expect(fresh.useFastKernels()).toBe(false);
        expect(fresh.kernels().name).toBe("typescript");
      } finally {
        vi.unstubAllGlobals();
        vi.resetModules();
      }
    }
  });

  it("load the relaxed-SIMD build, whose tile fuses multiply and add, exactly where the engine validates it", () => {
    // The "wasm-relaxed" test project runs Node with --experimental-wasm-relaxed-simd.
    const expected = process.env.EXPECT_KERNELS_BUILD ?? (relaxedSimdSupported() ? "relaxed-simd" : "simd");
    expect(kernelsBuild).toBe(expected);
    // a·b = (−1)·1 + (1 + 2⁻¹²)² = 2⁻¹¹ + 2⁻²⁴ exactly. A separate multiply rounds the
    // square 1 + 2⁻¹¹ + 2⁻²⁴ to 1 + 2⁻¹¹ (a tie, to even) and the sum gives 2⁻¹¹;
    // a fused multiply-add (x86-64 and Arm64 both have FMA) keeps the 2⁻²⁴.
    const a = fromRows([[-1, 1 + 2 ** -12]]), b = fromRows([[1], [1 + 2 ** -12]]);
    expect(referenceKernels.matmul(a, b).data[0]).toBe(2 ** -11 + 2 ** -24);
    expect(wasm.matmul(a, b).data[0]).toBe(kernelsBuild === "relaxed-simd" ? 2 ** -11 + 2 ** -24 : 2 ** -11);
  });

  it("the float32 bound rejects one missing term (the comparison can fail)", () => {
    const [a, b] = operands("matmul", 9, 65, 11);
    const expected = referenceKernels.matmul(a, b);
    const broken = {...expected, data: expected.data.slice()};
    broken.data[20] -= a.data[Math.floor(20 / 11) * 65 + 64] * b.data[64 * 11 + (20 % 11)];
    expect(withinFloat32Bound("matmul", a, b, null, expected, expected)).toBe(true);
    expect(withinFloat32Bound("matmul", a, b, null, broken, expected)).toBe(false);
  });

  for (const product of PRODUCTS) {
    it(`${product} equals the reference on all ${SIZES.length ** 3} size combinations`, () => {
      for (const m of SIZES) for (const k of SIZES) for (const n of SIZES) {
        const [a, b] = operands(product, m, k, n);
        const expected = referenceKernels[product](a, b);
        const actual = wasm[product](a, b);
        expect(withinFloat32Bound(product, a, b, null, actual, expected), `${m}×${k}×${n}`).toBe(true);
      }
    });

    it(`${product} accumulates into, and overwrites, a given out`, () => {
      for (const [m, k, n] of [[1, 1, 1], [3, 7, 65], [65, 3, 7], [7, 257, 3], [257, 65, 1], [65, 65, 65]]) {
        const [a, b] = operands(product, m, k, n);
        const start = randomMatrix(m, n);
        const expected = referenceKernels[product](a, b, {...start, data: start.data.slice()}, true);
        const out = {...start, data: start.data.slice()};
        expect(wasm[product](a, b, out, true)).toBe(out);
        expect(withinFloat32Bound(product, a, b, start, out, expected), `accumulate ${m}×${k}×${n}`).toBe(true);
        // Without accumulate a given out is overwritten, whatever it held.
        const stale = matrix(m, n, new Float32Array(m * n).fill(NaN));
        wasm[product](a, b, stale);
        expect(withinFloat32Bound(product, a, b, null, stale, referenceKernels[product](a, b)), `out ${m}×${k}×${n}`).toBe(true);
      }
    });
  }

  // The simd build's tile rounds each product, then each running sum, to float32,
  // in order p = 0, 1, …, k−1, and adds an accumulated-into value last; past 256
  // steps k is walked in blocks whose partial sums are stored and resumed. So each
  // entry must equal that sequential float32 sum bit for bit at every k, including
  // one, two and several blocks with a ragged last one (a skipped, repeated or
  // restarted block would differ).
  it.runIf(kernelsBuild === "simd")("simd build: every entry is the sequential float32 sum, bit for bit, across k blocks", () => {
    const f = Math.fround;
    for (const product of PRODUCTS) {
      for (const [m, k, n] of [[5, 255, 9], [5, 256, 9], [6, 257, 11], [9, 600, 10], [3, 1030, 17]]) {
        const [a, b] = operands(product, m, k, n);
        const start = randomMatrix(m, n);
        const at = (x: Matrix, i: number, j: number) => x.data[i * x.cols + j];
        const term = (i: number, p: number, j: number) =>
          product === "matmul" ? f(at(a, i, p) * at(b, p, j)) : product === "matmulTransB" ? f(at(a, i, p) * at(b, j, p)) : f(at(a, p, i) * at(b, p, j));
        const out = {...start, data: start.data.slice()};
        wasm[product](a, b, out, true);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum = f(sum + term(i, p, j));
          expect(out.data[i * n + j], `${product} ${m}×${k}×${n} (${i}, ${j})`).toBe(f(at(start, i, j) + sum));
        }
      }
    }
  });

  it("equals mathjs exactly on small integer matrices", () => {
    const integers = (rows: number, cols: number) =>
      fromRows(Array.from({length: rows}, () => Array.from({length: cols}, () => random.int(11) - 5)));
    // Sums start from +0, so a product like −3·0 gives +0 where mathjs keeps −0:
    // equal numbers, which toEqual would tell apart, hence `+ 0` on both sides.
    const plain = (rows: number[][]) => rows.map((row) => row.map((value) => value + 0));
    for (const [m, k, n] of [[1, 1, 1], [2, 3, 4], [5, 7, 3], [4, 8, 8], [9, 6, 17]]) {
      const a = integers(m, k), b = integers(k, n), bT = integers(n, k), aT = integers(k, m);
      expect(plain(toRows(wasm.matmul(a, b)))).toEqual(plain(multiply(toRows(a), toRows(b))));
      expect(plain(toRows(wasm.matmulTransB(a, bT)))).toEqual(plain(multiply(toRows(a), mathTranspose(toRows(bT)))));
      expect(plain(toRows(wasm.matmulTransA(aT, b)))).toEqual(plain(multiply(mathTranspose(toRows(aT)), toRows(b))));
    }
  });

  it("equals mathjs to float32 rounding on small random matrices", () => {
    const [a, b] = operands("matmul", 3, 5, 2);
    const exact = multiply(toRows(a), toRows(b)) as number[][]; // float64
    const actual = toRows(wasm.matmul(a, b));
    const scale = toRows(referenceKernels.matmul(absolute(a), absolute(b)));
    exact.forEach((row, i) => row.forEach((value, j) => {
      expect(Math.abs(actual[i][j] - value)).toBeLessThanOrEqual(6 * 2 ** -24 * scale[i][j]);
    }));
  });

  it("handles empty products: k = 0 is an empty sum, m or n = 0 an empty matrix", () => {
    expect(wasm.matmul(matrix(3, 0), matrix(0, 4)).data).toEqual(new Float32Array(12));
    const kept = fromRows([[1, 2]]);
    expect(wasm.matmulTransA(matrix(0, 1), matrix(0, 2), kept, true).data).toEqual(new Float32Array([1, 2]));
    expect(wasm.matmulTransB(matrix(0, 5), matrix(3, 5)).rows).toBe(0);
  });

  it("throws RangeErrors naming the shapes when they do not fit", () => {
    expect(() => wasm.matmul(matrix(2, 3), matrix(4, 5))).toThrow(RangeError);
    expect(() => wasm.matmul(matrix(2, 3), matrix(4, 5))).toThrow(/2×3.*4×5/);
    expect(() => wasm.matmulTransB(matrix(2, 3), matrix(4, 5))).toThrow(/matmulTransB.*2×3.*4×5/);
    expect(() => wasm.matmulTransA(matrix(2, 3), matrix(4, 5))).toThrow(/matmulTransA.*2×3.*4×5/);
    expect(() => wasm.matmul(matrix(2, 3), matrix(3, 5), matrix(5, 2))).toThrow(/out is 5×2, expected 2×5/);
  });
});

describe("wasm-simd optimizer updates", () => {
  // 4 SIMD lanes plus a scalar tail of 3.
  const count = 4 * 16 + 3;
  const values = () => fillNormal(random, new Float32Array(count));

  it("adamUpdateWasm matches the scalar Adam/AdamW step to float32 rounding", () => {
    for (const [coupledDecay, shrink] of [[0.01, 1], [0, 1 - 1e-3 * 0.01]]) {
      const theta = values(), grad = values(), m = values(), v = values().map(Math.abs);
      const [beta1, beta2, eps, t] = [0.9, 0.999, 1e-8, 3];
      const stepSize = 1e-3 / (1 - beta1 ** t), rootCorrection = 1 / Math.sqrt(1 - beta2 ** t);
      // Expected: lib/optim/adam.ts's loop, in float64.
      const expected = Array.from(theta, (value, i) => {
        const g = grad[i] + coupledDecay * value;
        const mi = beta1 * m[i] + (1 - beta1) * g, vi = beta2 * v[i] + (1 - beta2) * g * g;
        return {theta: value * shrink - (stepSize * mi) / (Math.sqrt(vi) * rootCorrection + eps), m: mi, v: vi};
      });
      expect(adamUpdateWasm(theta, grad, m, v, {beta1, beta2, eps, stepSize, rootCorrection, coupledDecay, shrink})).toBe(true);
      expected.forEach((e, i) => {
        expect(m[i]).toBeCloseTo(e.m, 6);
        expect(v[i]).toBeCloseTo(e.v, 6);
        // The step is ~lr = 1e-3; float32 keeps it to ~1e-7 relative to θ.
        expect(Math.abs(theta[i] - e.theta)).toBeLessThanOrEqual(4e-7 * Math.max(1, Math.abs(e.theta)));
      });
    }
  });

  it("axpyWasm adds alpha·x into y, tail included", () => {
    const x = values(), y = values();
    const expected = Array.from(y, (value, i) => Math.fround(value + Math.fround(0.5 * x[i])));
    expect(axpyWasm(0.5, x, y)).toBe(true);
    expect(Array.from(y)).toEqual(expected);
    expect(() => axpyWasm(1, values(), new Float32Array(2))).toThrow(RangeError);
  });
});

import {describe, expect, it} from "vitest";
import {type Matrix, frobeniusNorm, matrix} from "../../lib/matrix/index.js";
import {rng} from "../../lib/random.js";
import {amplification, randomOrthonormal} from "../../lib/analysis/index.js";
import {gaussian} from "./analysis-fixtures.js";

// A constructed W (d×k = 12×10) of rank 8 with known singular values 10, 9, …, 3
// along orthonormal directions uᵢ (columns of P) and vᵢ (columns of Q); u₉, v₉
// exist but W has nothing there.
const d = 12, k = 10;
const weights = [10, 9, 8, 7, 6, 5, 4, 3];
const P = randomOrthonormal(rng(61), d, 9); // (d×9)
const Q = randomOrthonormal(rng(62), k, 9); // (k×9)

/** Σᵢ coefficients[i][j]·uᵢ·vⱼᵀ over the constructed bases, in float64: (d×9)·(9×9)·(9×k) -> (d×k). */
function combine(coefficients: (i: number, j: number) => number): Matrix {
  const out = new Float64Array(d * k);
  for (let i = 0; i < 9; i++) {
    for (let j = 0; j < 9; j++) {
      const weight = coefficients(i, j);
      if (weight === 0) continue;
      for (let r = 0; r < d; r++) for (let c = 0; c < k; c++) out[r * k + c] += weight * P.data[r * 9 + i] * Q.data[c * 9 + j];
    }
  }
  return matrix(d, k, Float32Array.from(out));
}

const W = combine((i, j) => (i === j && i < 8 ? weights[i] : 0));
const topEnergy = (r: number) => Math.sqrt(weights.slice(0, r).reduce((sum, w) => sum + w * w, 0));

describe("amplification (§7.3, Table 7) on a constructed W", () => {
  it("onto W's own top-r subspace gives √(Σ_{i≤r} σᵢ(W)²); the norms are the Frobenius norms", () => {
    const deltaW = combine((i, j) => (i === 8 && j === 8 ? 2 : 0));
    for (let r = 1; r <= 8; r++) {
      const result = amplification(deltaW, W, r, rng(63));
      expect(result.rank).toBe(r);
      expect(result.ontoW).toBeCloseTo(topEnergy(r), 4);
      expect(result.normW).toBeCloseTo(topEnergy(8), 4);
      expect(result.normDeltaW).toBeCloseTo(2, 5);
    }
  });

  it("ΔW inside W's strongest direction: projection = σ₁(W) = 10, factor = ‖ΔW‖_F / 10", () => {
    const result = amplification(combine((i, j) => (i === 0 && j === 0 ? 5 : 0)), W, 1, rng(64));
    expect(result.ontoDeltaW).toBeCloseTo(10, 4);
    expect(result.ontoDeltaW).toBeCloseTo(result.ontoW, 4);
    expect(result.factor).toBeCloseTo(0.5, 5);
  });

  it("ΔW on a weak direction of W (the paper's finding): projection = σ₈(W) = 3, factor = 5 / 3", () => {
    const result = amplification(combine((i, j) => (i === 7 && j === 7 ? 5 : 0)), W, 1, rng(65));
    expect(result.ontoDeltaW).toBeCloseTo(3, 4);
    expect(result.factor).toBeCloseTo(5 / 3, 4);
  });

  it("rank-r ΔW spanning W's top-r subspace (mixed inside it) projects like W's own subspace", () => {
    const mix = gaussian(66, 3, 3);
    const deltaW = combine((i, j) => (i < 3 && j < 3 ? mix.data[i * 3 + j] : 0));
    const result = amplification(deltaW, W, 3, rng(67));
    expect(result.ontoDeltaW).toBeCloseTo(topEnergy(3), 3);
  });

  it("ΔW orthogonal to W (outside both its column and row space): projection ≈ 0, factor huge", () => {
    const result = amplification(combine((i, j) => (i === 8 && j === 8 ? 2 : 0)), W, 1, rng(68));
    expect(result.ontoDeltaW).toBeLessThan(1e-4); // float32 rounding of W and ΔW only
    expect(result.factor).toBeGreaterThan(2e4);
  });

  it("no subspace beats W's own (Ky Fan): ontoDeltaW, ontoRandom ≤ ontoW at every r", () => {
    const deltaW = gaussian(69, d, k);
    for (let r = 1; r <= 10; r++) {
      const result = amplification(deltaW, W, r, rng(70 + r));
      expect(result.ontoDeltaW).toBeLessThanOrEqual(result.ontoW + 1e-4);
      expect(result.ontoRandom).toBeLessThanOrEqual(result.ontoW + 1e-4);
    }
  });

  it("the random baseline is seeded: same seed, same number; different seed, different number", () => {
    const deltaW = gaussian(71, d, k);
    const first = amplification(deltaW, W, 2, rng(5)).ontoRandom;
    expect(amplification(deltaW, W, 2, rng(5)).ontoRandom).toBe(first);
    expect(amplification(deltaW, W, 2, rng(6)).ontoRandom).not.toBe(first);
  });
});

describe("amplification on a large Gaussian W: random subspaces see ~r/√(dk) of it", () => {
  it("E‖UᵀWV‖²_F = ‖W‖²_F·r²/(d·k) for random U, V; one draw lands within a factor 2 of it", () => {
    const big = gaussian(72, 64, 48);
    const result = amplification(gaussian(73, 64, 48), big, 8, rng(74));
    const expected = frobeniusNorm(big) * 8 / Math.sqrt(64 * 48);
    expect(result.ontoRandom).toBeGreaterThan(expected / 2);
    expect(result.ontoRandom).toBeLessThan(expected * 2);
  });
});

describe("validation", () => {
  it("rejects rank outside 1..min(d, k) and mismatched shapes", () => {
    expect(() => amplification(W, W, 0, rng(1))).toThrow(/rank must be a whole number in 1\.\.10/);
    expect(() => amplification(W, W, 11, rng(1))).toThrow(/got 11/);
    expect(() => amplification(gaussian(75, k, d), W, 1, rng(1))).toThrow(/shapes differ/);
  });
});

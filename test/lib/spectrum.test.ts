import {describe, expect, it} from "vitest";
import {frobeniusNorm, matrix, sub, zeros} from "../../lib/matrix/index.js";
import {rng} from "../../lib/random.js";
import {
  cumulativeEnergy,
  effectiveRank,
  energyCaptured,
  plantedTask,
  randomOrthonormal,
  rankKApproximation,
  rankKError,
  singularValues,
  svd
} from "../../lib/analysis/index.js";
import {gaussian, product, transposed} from "./analysis-fixtures.js";

describe("effectiveRank (Roy & Vetterli 2007)", () => {
  it("k equal singular values (and zeros) give exactly k", () => {
    for (const k of [1, 2, 5, 16]) {
      expect(effectiveRank([...Array(k).fill(3.5), 0, 0, 0])).toBeCloseTo(k, 12);
    }
  });

  it("a rank-k matrix with equal singular values has effective rank k (to 1e-3: float32 leaves a ~1e-7·σ₁ tail)", () => {
    for (const rank of [1, 3, 8]) {
      const {deltaW} = plantedTask({outputSize: 24, inputSize: 20, plantedRank: rank, samples: 1, scale: 2}, rng(rank));
      expect(effectiveRank(singularValues(deltaW))).toBeCloseTo(rank, 3);
    }
  });

  it("lies in [1, number of non-zero values] and falls as one value dominates", () => {
    const spread = effectiveRank([1, 1, 1, 1]);
    const skewed = effectiveRank([10, 1, 1, 1]);
    const extreme = effectiveRank([1e6, 1, 1, 1]);
    expect(spread).toBeCloseTo(4, 12);
    expect(skewed).toBeLessThan(spread);
    expect(extreme).toBeLessThan(skewed);
    expect(extreme).toBeGreaterThanOrEqual(1);
    // A value from the paper's formula by hand: p = (0.5, 0.25, 0.25), H = 1.5·ln 2.
    expect(effectiveRank([2, 1, 1])).toBeCloseTo(Math.exp(1.5 * Math.LN2), 12);
  });

  it("is 0 for the zero matrix", () => {
    expect(effectiveRank(singularValues(zeros(3, 4)))).toBe(0);
  });
});

describe("energy captured by the top-k singular values", () => {
  it("is non-decreasing, ends at exactly 1, and matches Σ_{i≤k} sᵢ² / Σ sᵢ²", () => {
    const S = singularValues(gaussian(31, 12, 9));
    const energy = cumulativeEnergy(S);
    const total = S.reduce((sum, s) => sum + s * s, 0);
    let running = 0;
    energy.forEach((value, i) => {
      running += S[i] ** 2;
      expect(value).toBeCloseTo(running / total, 12);
      if (i > 0) expect(value).toBeGreaterThanOrEqual(energy[i - 1]);
      expect(energyCaptured(S, i + 1)).toBe(value);
    });
    expect(energy[energy.length - 1]).toBe(1);
    expect(energyCaptured(S, 0)).toBe(0);
  });

  it("reaches 1 at the rank of a rank-k matrix (tail below 1e-10 of the energy)", () => {
    const {deltaW} = plantedTask({outputSize: 16, inputSize: 12, plantedRank: 3, samples: 1, singularValues: [3, 2, 1]}, rng(32));
    const S = singularValues(deltaW);
    expect(energyCaptured(S, 1)).toBeCloseTo(9 / 14, 6);
    expect(energyCaptured(S, 2)).toBeCloseTo(13 / 14, 6);
    expect(1 - energyCaptured(S, 3)).toBeLessThan(1e-10);
  });

  it("is 1 for the zero matrix at every k (its rank-k approximation is exact)", () => {
    const S = singularValues(zeros(3, 5));
    expect(Array.from(cumulativeEnergy(S))).toEqual([1, 1, 1]);
    expect(energyCaptured(S, 0)).toBe(1);
  });

  it("rejects k outside 0..p", () => {
    expect(() => energyCaptured([3, 2, 1], 4)).toThrow(/k must be a whole number in 0\.\.3, got 4/);
    expect(() => energyCaptured([3, 2, 1], 1.5)).toThrow(RangeError);
  });
});

describe("best rank-k approximation (Eckart–Young)", () => {
  const a = gaussian(33, 10, 7);
  const decomposition = svd(a);

  it("its Frobenius error equals the tail norm √(Σ_{i>k} sᵢ²) for every k", () => {
    for (let k = 0; k <= 7; k++) {
      const error = frobeniusNorm(sub(a, rankKApproximation(a, k, decomposition)));
      const tail = Math.sqrt(decomposition.S.slice(k).reduce((sum, s) => sum + s * s, 0));
      expect(rankKError(decomposition.S, k)).toBeCloseTo(tail, 12);
      expect(error).toBeCloseTo(tail, 5);
    }
  });

  it("has rank k and recomputes the decomposition when none is passed", () => {
    const approximation = rankKApproximation(a, 3);
    const S = singularValues(approximation);
    expect(S[2]).toBeGreaterThan(0.1);
    for (let i = 3; i < S.length; i++) expect(S[i]).toBeLessThan(1e-5 * S[0]);
  });

  it("beats another rank-k matrix: the projection onto a random k-dimensional row space", () => {
    for (const k of [1, 3, 5]) {
      const basis = randomOrthonormal(rng(34 + k), 7, k); // (7×k), orthonormal columns
      // a·P·Pᵀ: (10×7)·(7×k)·(k×7) -> (10×7), rank k
      const projected = product(matrix(10, k, Float32Array.from(product(a, basis).flat())), transposed(basis));
      const other = frobeniusNorm(sub(a, matrix(10, 7, Float32Array.from(projected.flat()))));
      expect(other).toBeGreaterThan(rankKError(decomposition.S, k));
    }
  });

  it("rejects k beyond min(m, n)", () => {
    expect(() => rankKApproximation(a, 8, decomposition)).toThrow(/k must be a whole number in 0\.\.7/);
    expect(() => rankKError(decomposition.S, -1)).toThrow(RangeError);
  });
});

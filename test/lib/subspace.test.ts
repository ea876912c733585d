import {describe, expect, it} from "vitest";
import {type Matrix, fromRows, matrix} from "../../lib/matrix/index.js";
import {subspaceSimilarity, subspaceSimilarityGrid} from "../../lib/analysis/index.js";
import {gaussian, product} from "./analysis-fixtures.js";

const asMatrix = (rows: number, cols: number, values: number[][]) => matrix(rows, cols, Float32Array.from(values.flat()));

/** An r×k adapter A whose rows span coordinates [first, first + r), mixed by a random r×r matrix. */
function adapterOnCoordinates(seed: number, rank: number, inputSize: number, first: number): Matrix {
  const basis = matrix(rank, inputSize);
  for (let i = 0; i < rank; i++) basis.data[i * inputSize + first + i] = 1;
  return asMatrix(rank, inputSize, product(gaussian(seed, rank, rank), basis)); // (r×r)·(r×k) -> (r×k)
}

describe("subspaceSimilarity (eq. 4)", () => {
  it("is 1 for an adapter with itself at every i, and for any re-mixing of its rows at i = j = r", () => {
    const a = gaussian(41, 6, 30);
    for (let i = 1; i <= 6; i++) expect(subspaceSimilarity(a, a, i, i)).toBeCloseTo(1, 6);
    // M·A has the same row space as A: the full-rank subspaces coincide.
    const mixed = asMatrix(6, 30, product(gaussian(42, 6, 6), a)); // (6×6)·(6×30) -> (6×30)
    expect(subspaceSimilarity(a, mixed, 6, 6)).toBeCloseTo(1, 5);
  });

  it("is 0 for adapters on orthogonal input subspaces, at every i, j", () => {
    const a1 = adapterOnCoordinates(43, 4, 20, 0), a2 = adapterOnCoordinates(44, 6, 20, 4);
    for (const row of subspaceSimilarityGrid(a1, a2)) for (const phi of row) expect(phi).toBeLessThan(1e-12);
  });

  it("matches a hand-computed case: top vectors e₁ vs (cos θ, sin θ, 0, …)", () => {
    const theta = 0.3, c = Math.cos(theta), s = Math.sin(theta);
    const a1 = fromRows([[2, 0, 0, 0], [0, 1, 0, 0]]); // right vectors e₁, e₂
    const a2 = fromRows([[3 * c, 3 * s, 0, 0], [0, 0, 1, 0]]); // right vectors (c, s, 0, 0), e₃
    expect(subspaceSimilarity(a1, a2, 1, 1)).toBeCloseTo(c * c, 6);
    // span{e₁, e₂} contains (c, s, 0, 0) but not e₃: ‖·‖²_F = 1, over min(2, 2).
    expect(subspaceSimilarity(a1, a2, 2, 2)).toBeCloseTo(0.5, 6);
    // Top-1 of A1 against both of A2: cos²θ, normalised by min(1, 2) = 1.
    expect(subspaceSimilarity(a1, a2, 1, 2)).toBeCloseTo(c * c, 6);
  });

  it("stays in [0, 1], is symmetric when i = j, and compares r = 8 with r = 64 on the input side", () => {
    const small = gaussian(45, 8, 96), large = gaussian(46, 64, 96);
    const grid = subspaceSimilarityGrid(small, large);
    expect([grid.length, grid[0].length]).toEqual([8, 64]);
    for (const row of grid) for (const phi of row) expect(phi >= 0 && phi <= 1).toBe(true);
    for (const i of [1, 4, 8]) {
      expect(subspaceSimilarity(small, large, i, i)).toBeCloseTo(subspaceSimilarity(large, small, i, i), 6);
    }
    // 8 directions of 96 lie inside 64 random ones with E φ = 64/96 (mean squared cosine).
    expect(grid[7][63]).toBeGreaterThan(0.45);
    expect(grid[7][63]).toBeLessThan(0.85);
  });

  it("two independent random adapters share almost nothing (Figure 4's Gaussian baseline: E φ = r/k)", () => {
    const phi = subspaceSimilarity(gaussian(47, 8, 256), gaussian(48, 8, 256), 8, 8);
    expect(phi).toBeLessThan(0.1); // expectation 8/256 ≈ 0.03
  });
});

describe("subspaceSimilarityGrid", () => {
  it("agrees with the single-value function at every (i, j)", () => {
    const a1 = gaussian(51, 4, 20), a2 = gaussian(52, 6, 20);
    const grid = subspaceSimilarityGrid(a1, a2);
    expect([grid.length, grid[0].length]).toEqual([4, 6]);
    for (let i = 1; i <= 4; i++) {
      for (let j = 1; j <= 6; j++) expect(grid[i - 1][j - 1]).toBeCloseTo(subspaceSimilarity(a1, a2, i, j), 10);
    }
  });

  it("is the transpose of the grid with the arguments swapped", () => {
    const a1 = gaussian(53, 3, 12), a2 = gaussian(54, 5, 12);
    const forward = subspaceSimilarityGrid(a1, a2), backward = subspaceSimilarityGrid(a2, a1);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) expect(forward[i][j]).toBeCloseTo(backward[j][i], 10);
  });
});

describe("validation", () => {
  const a1 = gaussian(55, 8, 32), a2 = gaussian(56, 4, 32);

  it("rejects adapters with different input sizes, naming both shapes", () => {
    expect(() => subspaceSimilarity(a1, gaussian(57, 4, 31), 1, 1)).toThrow(/same input size k.*8×32.*4×31/);
    expect(() => subspaceSimilarityGrid(a1, gaussian(57, 4, 31))).toThrow(RangeError);
  });

  it("rejects i outside 1..r1 and j outside 1..r2, naming the argument and range", () => {
    expect(() => subspaceSimilarity(a1, a2, 0, 1)).toThrow(/i must be a whole number in 1\.\.8.*got 0/);
    expect(() => subspaceSimilarity(a1, a2, 9, 1)).toThrow(/i must be a whole number in 1\.\.8/);
    expect(() => subspaceSimilarity(a1, a2, 1, 5)).toThrow(/j must be a whole number in 1\.\.4.*got 5/);
    expect(() => subspaceSimilarity(a1, a2, 1, 1.5)).toThrow(RangeError);
  });
});

import {describe, expect, it} from "vitest";
import {eigs, multiply, transpose} from "mathjs";
import {type Matrix, fromRows, matrix, toRows, zeros} from "../../lib/matrix/index.js";
import {rng} from "../../lib/random.js";
import {randomOrthonormal, singularValues, svd} from "../../lib/analysis/index.js";
import {gaussian, maxDeviation, product, rebuild, transposed} from "./analysis-fixtures.js";

/** A rank-`rank` rows×cols matrix: a Gaussian (rows×rank) times a Gaussian (rank×cols). */
function lowRank(seed: number, rows: number, cols: number, rank: number): Matrix {
  return matrix(rows, cols, Float32Array.from(product(gaussian(seed, rows, rank), gaussian(seed + 1, rank, cols)).flat()));
}

const cases: [string, Matrix][] = [
  ["tall 12×5", gaussian(1, 12, 5)],
  ["wide 5×12", gaussian(2, 5, 12)],
  ["square 9×9", gaussian(3, 9, 9)],
  ["rank-2 tall 10×6", lowRank(4, 10, 6, 2)],
  ["rank-3 wide 7×11", lowRank(6, 7, 11, 3)],
  ["row 1×7", gaussian(8, 1, 7)],
  ["column 7×1", gaussian(9, 7, 1)],
  ["zero 4×6", zeros(4, 6)],
  ["with a zero column", fromRows([[1, 0, 2], [3, 0, 4], [5, 0, 6.5]])],
  ["identical columns (rotation leaves a rounding-noise column)", fromRows([[1, 1, 1], [2, 2, 2], [-1, -1, -1], [0.5, 0.5, 0.5]])]
];

describe("svd: properties", () => {
  for (const [name, a] of cases) {
    it(`${name}: U·S·Vt rebuilds the input; U, V orthonormal; S sorted ≥ 0`, () => {
      const {U, S, Vt} = svd(a);
      const p = Math.min(a.rows, a.cols);
      expect([U.rows, U.cols, S.length, Vt.rows, Vt.cols]).toEqual([a.rows, p, p, p, a.cols]);
      const size = Math.max(1, S[0] ?? 0);
      // float32 outputs: 1e-6 relative to the largest singular value.
      expect(maxDeviation(rebuild(U, S, Vt), a)).toBeLessThan(1e-6 * size);
      // Null directions are completed, so orthonormality holds for the whole thin basis.
      expect(maxDeviation(product(transposed(U), U), "identity")).toBeLessThan(1e-6);
      expect(maxDeviation(product(Vt, transposed(Vt)), "identity")).toBeLessThan(1e-6);
      for (let i = 0; i < p; i++) {
        expect(S[i]).toBeGreaterThanOrEqual(0);
        if (i > 0) expect(S[i]).toBeLessThanOrEqual(S[i - 1]);
      }
    });
  }

  it("finds the true rank of a rank-deficient matrix (tail below 1e-6·σ₁, from float32 rounding)", () => {
    const S = svd(lowRank(10, 20, 15, 4)).S;
    expect(S[3]).toBeGreaterThan(1e-2 * S[0]);
    for (let i = 4; i < S.length; i++) expect(S[i]).toBeLessThan(1e-6 * S[0]);
  });

  it("signs are deterministic: each row of Vt has its largest-|entry| positive", () => {
    const a = gaussian(11, 8, 6);
    const first = svd(a), second = svd(a);
    expect(first.U.data).toEqual(second.U.data);
    expect(first.Vt.data).toEqual(second.Vt.data);
    for (const row of toRows(first.Vt)) {
      const largest = row.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
      expect(largest).toBeGreaterThan(0);
    }
  });

  it("transposing swaps U and V: svd(aᵀ) has the same S, and its U matches a's Vᵀ up to sign", () => {
    const a = gaussian(12, 6, 9);
    const direct = svd(a), flipped = svd(transposed(a));
    for (let i = 0; i < 6; i++) expect(flipped.S[i]).toBeCloseTo(direct.S[i], 10);
    for (let i = 0; i < 6; i++) {
      let dot = 0; // column i of flipped.U · row i of direct.Vt
      for (let t = 0; t < 9; t++) dot += flipped.U.data[t * 6 + i] * direct.Vt.data[i * 9 + t];
      expect(Math.abs(dot)).toBeCloseTo(1, 5);
    }
  });

  it("singularValues agrees with svd().S", () => {
    for (const [, a] of cases) {
      const fast = singularValues(a), full = svd(a).S;
      fast.forEach((s, i) => expect(s).toBeCloseTo(full[i], 10));
    }
  });

  it("keeps small singular values and their vectors to relative accuracy (column-scaled Q·diag(1, 1e-10, 1e-30))", () => {
    // Demmel & Veselić 1992: one-sided Jacobi is accurate for a = B·D with B well
    // conditioned. A method via the Gram matrix aᵀa would return ~1e-8 noise here.
    const q = randomOrthonormal(rng(13), 4, 3); // (4×3), orthonormal columns
    const scales = [1, 1e-10, 1e-30];
    const a = matrix(4, 3, q.data.map((x, index) => x * scales[index % 3]));
    const S = singularValues(a);
    scales.forEach((expected, i) => expect(Math.abs(S[i] - expected) / expected).toBeLessThan(1e-5));
    // The singular vectors are kept too (not replaced as if σ were 0): uᵢ = ±qᵢ.
    const {U} = svd(a);
    for (let i = 0; i < 3; i++) {
      let dot = 0;
      for (let r = 0; r < 4; r++) dot += U.data[r * 3 + i] * q.data[r * 3 + i];
      expect(Math.abs(dot)).toBeCloseTo(1, 6);
    }
  });
});

describe("svd: textbook cases", () => {
  it("Strang, Introduction to Linear Algebra (5th ed., §7.2): A = [[3, 0], [4, 5]] has σ = 3√5, √5", () => {
    const {U, S, Vt} = svd(fromRows([[3, 0], [4, 5]]));
    expect(S[0]).toBeCloseTo(3 * Math.sqrt(5), 12);
    expect(S[1]).toBeCloseTo(Math.sqrt(5), 12);
    // Strang: v₁ = (1, 1)/√2, v₂ = (−1, 1)/√2, u₁ = (1, 3)/√10, u₂ = (3, −1)/√10, up to sign.
    const r2 = Math.SQRT1_2, r10 = 1 / Math.sqrt(10);
    expect(maxDeviation([[r2, r2], [r2, -r2]], Vt)).toBeLessThan(1e-6);
    expect(maxDeviation([[r10, 3 * r10], [3 * r10, -r10]], U)).toBeLessThan(1e-6);
  });

  it("Wikipedia, 'Singular value decomposition', § Example: the 4×5 matrix has σ = 3, √5, 2, 0", () => {
    const a = fromRows([
      [1, 0, 0, 0, 2],
      [0, 0, 3, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 2, 0, 0, 0]
    ]);
    const {U, S, Vt} = svd(a);
    [3, Math.sqrt(5), 2].forEach((expected, i) => expect(S[i]).toBeCloseTo(expected, 12));
    expect(S[3]).toBeLessThan(1e-12);
    // The article's V rows up to sign; our sign rule makes the largest entry positive.
    const s2 = Math.sqrt(0.2), s8 = Math.sqrt(0.8);
    expect(maxDeviation([[0, 0, 1, 0, 0], [s2, 0, 0, 0, s8], [0, 1, 0, 0, 0], [s8, 0, 0, 0, -s2]], Vt)).toBeLessThan(1e-6);
    // U is a signed permutation; its σ = 0 column is completed with e₃ (the zero row).
    expect(toRows(U).map((row) => row.map(Math.abs))).toEqual([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]);
  });
});

describe("svd: singular values against mathjs (√ of the eigenvalues of the smaller Gram matrix)", () => {
  for (const [seed, rows, cols] of [[21, 3, 3], [22, 4, 2], [23, 2, 5], [24, 5, 4], [25, 6, 6]]) {
    it(`random ${rows}×${cols}`, () => {
      const a = gaussian(seed, rows, cols);
      const values = toRows(a);
      const gram = rows >= cols ? multiply(transpose(values), values) : multiply(values, transpose(values));
      const eigenvalues = (eigs(gram).values as number[]).map((x) => Math.sqrt(Math.max(0, x)));
      eigenvalues.sort((x, y) => y - x);
      const S = singularValues(a);
      eigenvalues.forEach((expected, i) => expect(S[i]).toBeCloseTo(expected, 9));
    });
  }
});

describe("svd: edge shapes", () => {
  it("an empty 0×3 matrix gives empty factors", () => {
    const {U, S, Vt} = svd(matrix(0, 3));
    expect([U.rows, U.cols, S.length, Vt.rows, Vt.cols]).toEqual([0, 0, 0, 0, 3]);
  });

  it("a 1×1 negative number: σ = |x| and the sign moves to U", () => {
    const {U, S, Vt} = svd(fromRows([[-2.5]]));
    expect([U.data[0], S[0], Vt.data[0]]).toEqual([-1, 2.5, 1]);
  });
});

describe("svd: convergence", () => {
  it("converges quadratically: a random 64×64 needs at most 14 sweeps (a wrong rotation angle still converges, slowly)", () => {
    const {S, sweeps} = svd(gaussian(99, 64, 64));
    expect(sweeps).toBeGreaterThan(2);
    expect(sweeps).toBeLessThanOrEqual(14);
    expect(S[63]).toBeGreaterThan(0);
  });
});

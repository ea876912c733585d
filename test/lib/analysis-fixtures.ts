// Shared fixtures for the rank-analysis tests: seeded matrices and float64
// products, so a check never leans on the code it is checking.
import {type Matrix, matrix} from "../../lib/matrix/index.js";
import {fillNormal, rng} from "../../lib/random.js";

/** A seeded standard-Gaussian rows×cols matrix. */
export function gaussian(seed: number, rows: number, cols: number): Matrix {
  return matrix(rows, cols, fillNormal(rng(seed), new Float32Array(rows * cols)));
}

/** a (m×k) · b (k×n) in float64, returned as nested arrays. */
export function product(a: Matrix, b: Matrix): number[][] {
  return Array.from({length: a.rows}, (_, i) =>
    Array.from({length: b.cols}, (_, j) => {
      let sum = 0;
      for (let p = 0; p < a.cols; p++) sum += a.data[i * a.cols + p] * b.data[p * b.cols + j];
      return sum;
    })
  );
}

/** aᵀ (m×n) as a new matrix. */
export function transposed(a: Matrix): Matrix {
  const out = matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j];
  return out;
}

/** Largest |x − y| between nested arrays and a matrix, or the identity of the same size. */
export function maxDeviation(values: number[][], b: Matrix | "identity"): number {
  let worst = 0;
  values.forEach((row, i) =>
    row.forEach((x, j) => {
      const y = b === "identity" ? (i === j ? 1 : 0) : b.data[i * b.cols + j];
      worst = Math.max(worst, Math.abs(x - y));
    })
  );
  return worst;
}

/** Product of the top-k left factor, diag(s) and right factor: Σ_{i<k} sᵢ uᵢ vᵢᵀ in float64. */
export function rebuild(U: Matrix, S: ArrayLike<number>, Vt: Matrix, k = S.length): number[][] {
  return Array.from({length: U.rows}, (_, r) =>
    Array.from({length: Vt.cols}, (_, c) => {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += U.data[r * U.cols + i] * S[i] * Vt.data[i * Vt.cols + c];
      return sum;
    })
  );
}

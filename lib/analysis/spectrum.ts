// What a spectrum says about rank: how much of a matrix its top-k directions
// carry, how many directions it "really" uses, and the best it can do with k.
// Functions take the singular values (from `svd` or `singularValues`) so a chart
// that shows several of these decomposes its matrix once.
import {type Matrix, matrix} from "../matrix/index.js";
import {svd, type Svd} from "./svd.js";

function checkRank(name: string, k: number, count: number): void {
  if (!Number.isInteger(k) || k < 0 || k > count) {
    throw new RangeError(`${name} must be a whole number in 0..${count}, got ${k}`);
  }
}

/**
 * Energy captured by the top-k singular values, one entry per k = 1..p:
 * energy[k − 1] = Σ_{i≤k} sᵢ² / Σ sᵢ² (non-decreasing, ends at 1). For the zero
 * matrix every entry is 1: the rank-k approximation (zero) is already exact.
 */
export function cumulativeEnergy(singular: ArrayLike<number>): Float64Array {
  const energy = new Float64Array(singular.length);
  let running = 0;
  for (let i = 0; i < singular.length; i++) energy[i] = running += singular[i] ** 2;
  const total = running;
  for (let i = 0; i < energy.length; i++) energy[i] = total === 0 ? 1 : energy[i] / total;
  // Summation rounding can leave the last entry a hair off 1; it is 1 by definition.
  if (energy.length) energy[energy.length - 1] = 1;
  return energy;
}

/** Energy captured by the top-k singular values, Σ_{i≤k} sᵢ² / Σ sᵢ² ∈ [0, 1] (k = 0 gives 0, or 1 for the zero matrix). */
export function energyCaptured(singular: ArrayLike<number>, k: number): number {
  checkRank("k", k, singular.length);
  if (k > 0) return cumulativeEnergy(singular)[k - 1];
  for (let i = 0; i < singular.length; i++) if (singular[i] !== 0) return 0;
  return 1;
}

/**
 * Effective rank (Roy & Vetterli, "The effective rank: a measure of effective
 * dimensionality", EUSIPCO 2007): exp of the Shannon entropy of pᵢ = sᵢ / Σⱼ sⱼ,
 * with 0·log 0 = 0. It lies in [1, rank]; it equals k for k equal non-zero values
 * and falls toward 1 as one value dominates. Defined as 0 for the zero matrix.
 */
export function effectiveRank(singular: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < singular.length; i++) total += singular[i];
  if (total === 0) return 0;
  let entropy = 0;
  for (let i = 0; i < singular.length; i++) {
    const p = singular[i] / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}

/**
 * Frobenius error of the best rank-k approximation (Eckart–Young 1936):
 * ‖a − a_k‖_F = √(Σ_{i>k} sᵢ²), the norm of the discarded tail.
 */
export function rankKError(singular: ArrayLike<number>, k: number): number {
  checkRank("k", k, singular.length);
  let tail = 0;
  for (let i = k; i < singular.length; i++) tail += singular[i] ** 2;
  return Math.sqrt(tail);
}

/**
 * The best rank-k approximation in Frobenius (and spectral) norm, Eckart–Young:
 * a_k = U_k · diag(s_1..s_k) · Vt_k, the top-k terms of the SVD. Pass a
 * precomputed `decomposition` of `a` to reuse it across several k.
 */
export function rankKApproximation(a: Matrix, k: number, decomposition: Svd = svd(a)): Matrix {
  const {U, S, Vt} = decomposition;
  checkRank("k", k, S.length);
  // Σ_{i<k} sᵢ·uᵢ·vᵢᵀ accumulated in float64, then rounded once to float32.
  // (m×k)·diag(k)·(k×n) -> (m×n)
  const sum = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < k; i++) {
    for (let r = 0; r < a.rows; r++) {
      const weight = S[i] * U.data[r * U.cols + i];
      if (weight === 0) continue;
      for (let c = 0; c < a.cols; c++) sum[r * a.cols + c] += weight * Vt.data[i * a.cols + c];
    }
  }
  return matrix(a.rows, a.cols, Float32Array.from(sum));
}

// Subspace similarity between two adapters, the paper's eq. 4 (Hu et al. 2021,
// §7.2, Figures 3 and 4):
//
//   φ(A1, A2, i, j) = ‖U₁ⁱᵀ U₂ʲ‖²_F / min(i, j) ∈ [0, 1],
//
// where U₁ⁱ holds the top-i singular vectors of A1 and U₂ʲ the top-j of A2. It is
// the mean squared cosine of the principal angles between the two subspaces: 1
// when the smaller one lies inside the larger, 0 when they are orthogonal.
//
// Which singular vectors: the RIGHT ones. A is r×k in the paper's and PEFT's
// orientation (ΔW = B·A, A maps the k-dimensional input down to r), so its left
// singular vectors live in R^r, a space that differs between an r = 8 and an
// r = 64 adapter and has no shared meaning across runs. Its right singular
// vectors live in the k-dimensional input space that every adapter of the layer
// shares, which is the only side on which A_{r=8} and A_{r=64} can be compared.
// §7.2 says "right-singular unitary matrix"; Appendix G says "left", which fits
// only the transposed (k×r) storage. Same quantity, stated here in PEFT shapes.
//
// An A of rank below i (e.g. a zero-initialised or collapsed adapter) has no
// i-th direction of its own; svd fills it with a fixed basis completion, so φ
// at such i says nothing about training.
import type {Matrix} from "../matrix/index.js";
import {svd} from "./svd.js";

function checkSameInputSize(a1: Matrix, a2: Matrix): void {
  if (a1.cols !== a2.cols) {
    throw new RangeError(
      `A1 and A2 must have the same input size k (columns): A1 is ${a1.rows}×${a1.cols}, A2 is ${a2.rows}×${a2.cols}`
    );
  }
}

function checkCount(name: string, value: number, available: number, adapter: string, a: Matrix): void {
  if (!Number.isInteger(value) || value < 1 || value > available) {
    throw new RangeError(`${name} must be a whole number in 1..${available} (${adapter} is ${a.rows}×${a.cols}), got ${value}`);
  }
}

/**
 * Squared cosines between the top `count1` right singular vectors of A1 and the
 * top `count2` of A2: overlap[a·count2 + b] = (v₁ₐ · v₂ᵦ)². Rows of Vt are unit
 * vectors in R^k; dot products are summed in float64. (count1×k)·(k×count2) -> (count1×count2)
 */
function squaredOverlaps(vt1: Matrix, vt2: Matrix, count1: number, count2: number): Float64Array {
  const k = vt1.cols;
  const overlap = new Float64Array(count1 * count2);
  for (let a = 0; a < count1; a++) {
    for (let b = 0; b < count2; b++) {
      let dot = 0;
      for (let t = 0; t < k; t++) dot += vt1.data[a * k + t] * vt2.data[b * k + t];
      overlap[a * count2 + b] = dot * dot;
    }
  }
  return overlap;
}

// The singular vectors are float32, orthonormal only to ~1e-7, so φ of a
// subspace with itself can come out 1 + 1e-7; φ is in [0, 1] by definition, so
// it is clamped rather than shown as 1.0000001.
const clampUnit = (phi: number) => Math.min(1, Math.max(0, phi));

/**
 * Normalized subspace similarity φ(A1, A2, i, j) of eq. 4 between the top-i right
 * singular vectors of A1 (r1×k) and the top-j of A2 (r2×k); in [0, 1].
 */
export function subspaceSimilarity(a1: Matrix, a2: Matrix, i: number, j: number): number {
  checkSameInputSize(a1, a2);
  checkCount("i", i, Math.min(a1.rows, a1.cols), "A1", a1);
  checkCount("j", j, Math.min(a2.rows, a2.cols), "A2", a2);
  const overlap = squaredOverlaps(svd(a1).Vt, svd(a2).Vt, i, j);
  let sum = 0;
  for (const value of overlap) sum += value;
  return clampUnit(sum / Math.min(i, j));
}

/**
 * Every φ(A1, A2, i, j) for i = 1..r1, j = 1..r2 (r capped at k), as
 * grid[i − 1][j − 1] — the heatmaps of Figures 3 and 4. One SVD per adapter and
 * a 2-D prefix sum of squared overlaps, so O(r1·r2·k) after the SVDs.
 */
export function subspaceSimilarityGrid(a1: Matrix, a2: Matrix): number[][] {
  checkSameInputSize(a1, a2);
  const count1 = Math.min(a1.rows, a1.cols), count2 = Math.min(a2.rows, a2.cols);
  const overlap = squaredOverlaps(svd(a1).Vt, svd(a2).Vt, count1, count2);
  // prefix[i][j] = Σ_{a<i, b<j} overlap[a][b] = ‖U₁ⁱᵀ U₂ʲ‖²_F, with a zero border.
  const width = count2 + 1;
  const prefix = new Float64Array((count1 + 1) * width);
  for (let i = 1; i <= count1; i++) {
    for (let j = 1; j <= count2; j++) {
      prefix[i * width + j] =
        overlap[(i - 1) * count2 + (j - 1)] + prefix[(i - 1) * width + j] + prefix[i * width + j - 1] - prefix[(i - 1) * width + j - 1];
    }
  }
  return Array.from({length: count1}, (_, row) =>
    Array.from({length: count2}, (_, column) => clampUnit(prefix[(row + 1) * width + column + 1] / Math.min(row + 1, column + 1)))
  );
}

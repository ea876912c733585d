// Singular value decomposition by one-sided Jacobi (Hestenes, "Inversion of
// matrices by biorthogonalization", 1958). Plane rotations applied from the right
// make the columns of a working matrix B mutually orthogonal; then B·V = U·Σ with
// the column norms as singular values. Why this method: it is ~100 lines with no
// bidiagonalisation, and it computes small singular values to high *relative*
// accuracy (Demmel & Veselić 1992), which the rank charts care about most. Cost is
// O(sweeps · p² · q) for a q×p working matrix — fine for our ≤ 256×256 matrices.
//
// Layout: the working matrix is stored column by column (column c of B is the
// contiguous slice work[c·q, (c+1)·q)), so each rotation touches two contiguous
// runs. B is the input when it is tall (m ≥ n) and its transpose when it is wide,
// so Jacobi always runs on the smaller side (p = min(m, n) columns).
//
// Precision: the input is float32 but all arithmetic is Float64Array. Each column
// of a 256-column matrix goes through ~p·sweeps ≈ 3,000 rotations; in float32
// their rounding (ε ≈ 6e-8 each) would random-walk to ~1e-5 relative, blurring
// singular values below ~1e-5·σ₁ and the orthogonality of U and V — exactly the
// tail that effective rank and "is ΔW rank k?" look at. In float64 that error is
// ~1e-13, so what we report is the SVD of the float32 matrix as given.
import {type Matrix, matrix} from "../matrix/index.js";

/** A thin SVD a = U · diag(S) · Vt: U is m×p, S has p = min(m, n) values sorted descending, Vt is p×n. */
export interface Svd {
  U: Matrix;
  S: Float64Array;
  Vt: Matrix;
  /** Jacobi sweeps run, the last one rotating nothing (a convergence check: ~6–12 is normal). */
  sweeps: number;
}

// LAPACK's dgesvj stops rotating a pair when |bᵢ·bⱼ| ≤ √q·ε·‖bᵢ‖‖bⱼ‖: below that
// the rotation angle is lost in rounding. 60 sweeps is a guard, never reached in
// practice (quadratic convergence typically takes 6–12 sweeps).
const maxSweeps = 60;

/** Rotates the pair of contiguous vectors at x and y in place: x ← c·x − s·y, y ← s·x + c·y. */
function rotate(values: Float64Array, x: number, y: number, length: number, c: number, s: number): void {
  for (let t = 0; t < length; t++) {
    const xt = values[x + t], yt = values[y + t];
    values[x + t] = c * xt - s * yt;
    values[y + t] = s * xt + c * yt;
  }
}

/**
 * Cyclic one-sided Jacobi on `count` columns of `length` values; applies the same
 * rotations to `rotations` (count×count, column-stored) if given. Returns the sweeps run.
 */
function orthogonalizeColumns(work: Float64Array, count: number, length: number, rotations: Float64Array | null): number {
  const tolerance = Math.sqrt(length) * Number.EPSILON;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let i = 0; i < count - 1; i++) {
      const columnI = i * length;
      for (let j = i + 1; j < count; j++) {
        const columnJ = j * length;
        // One pass for the 2×2 Gram matrix [[alpha, gamma], [gamma, beta]] of the pair.
        let alpha = 0, beta = 0, gamma = 0;
        for (let t = 0; t < length; t++) {
          const x = work[columnI + t], y = work[columnJ + t];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        // Zero columns (rank deficiency) have nothing to rotate.
        if (alpha === 0 || beta === 0 || Math.abs(gamma) <= tolerance * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // The rotation that diagonalises the 2×2 Gram matrix; t = tan θ is the
        // smaller root of t² + 2ζt − 1 = 0 (|θ| ≤ π/4, which is what converges).
        // hypot keeps ζ² from overflowing when the two norms differ enormously.
        const zeta = (beta - alpha) / (2 * gamma);
        const tangent = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const cosine = 1 / Math.sqrt(1 + tangent * tangent);
        const sine = cosine * tangent;
        rotate(work, columnI, columnJ, length, cosine, sine);
        if (rotations) rotate(rotations, i * count, j * count, count, cosine, sine);
      }
    }
    if (!rotated) return sweep + 1;
  }
  return maxSweeps;
}

/** Copies a (m×n) into column-stored float64 B with p = min(m, n) columns of length q = max(m, n). */
function workingColumns(a: Matrix): {work: Float64Array; count: number; length: number; wide: boolean} {
  const {rows, cols, data} = a;
  const wide = rows < cols;
  if (wide) return {work: Float64Array.from(data), count: rows, length: cols, wide}; // B = aᵀ: columns of B are rows of a
  const work = new Float64Array(rows * cols); // B = a: column c of a, made contiguous
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) work[c * rows + r] = data[r * cols + c];
  return {work, count: cols, length: rows, wide};
}

function columnNorms(work: Float64Array, count: number, length: number): Float64Array {
  const norms = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    let sum = 0;
    for (let t = 0; t < length; t++) sum += work[c * length + t] ** 2;
    norms[c] = Math.sqrt(sum);
  }
  return norms;
}

/** Column indices by norm, largest first (stable, so equal norms keep their order). */
function descendingOrder(norms: Float64Array): number[] {
  return Array.from(norms.keys()).sort((x, y) => norms[y] - norms[x] || x - y);
}

/** Singular values only, sorted descending (length min(m, n)); skips accumulating U and V (~1.5× faster than `svd`). */
export function singularValues(a: Matrix): Float64Array {
  const {work, count, length} = workingColumns(a);
  orthogonalizeColumns(work, count, length, null);
  const norms = columnNorms(work, count, length);
  return Float64Array.from(descendingOrder(norms), (c) => norms[c]);
}

/**
 * Replaces the columns flagged in `missing` by unit vectors orthogonal to every
 * other column (Gram–Schmidt on e₁, e₂, … in order). A zero singular value has no
 * singular vector of its own; any completion of the basis is correct, and a fixed
 * one keeps U (or Vt) orthonormal and the output deterministic.
 */
function completeBasis(columns: Float64Array, count: number, length: number, missing: boolean[]): void {
  const accepted = missing.flatMap((isMissing, c) => (isMissing ? [] : [c]));
  const candidate = new Float64Array(length);
  // A candidate eᵗ rejected now stays rejected (the span only grows), and the
  // residuals of all eᵗ sum to length − accepted ≥ 1, so one pass with a 1/length
  // threshold always finds enough (halved for rounding).
  const threshold = 0.5 / length;
  let basisIndex = 0;
  for (let c = 0; c < count; c++) {
    if (!missing[c]) continue;
    for (; basisIndex < length; basisIndex++) {
      candidate.fill(0);
      candidate[basisIndex] = 1;
      for (let pass = 0; pass < 2; pass++) { // twice is enough (Kahan–Parlett)
        for (const other of accepted) {
          let dot = 0;
          for (let t = 0; t < length; t++) dot += candidate[t] * columns[other * length + t];
          for (let t = 0; t < length; t++) candidate[t] -= dot * columns[other * length + t];
        }
      }
      let normSquared = 0;
      for (let t = 0; t < length; t++) normSquared += candidate[t] ** 2;
      if (normSquared < threshold) continue;
      const norm = Math.sqrt(normSquared);
      for (let t = 0; t < length; t++) columns[c * length + t] = candidate[t] / norm;
      accepted.push(c);
      basisIndex++;
      break;
    }
  }
}

/** Index of the first entry of largest magnitude in values[start, start + length). */
function largestEntry(values: Float64Array, start: number, length: number): number {
  let best = start;
  for (let t = start + 1; t < start + length; t++) if (Math.abs(values[t]) > Math.abs(values[best])) best = t;
  return best;
}

/**
 * Thin SVD of any m×n matrix (tall, wide, square, rank-deficient, zero, 1×n):
 * a = U·diag(S)·Vt with U m×p, Vt p×n, p = min(m, n), S sorted descending ≥ 0,
 * UᵀU = I and Vt·Vtᵀ = I (null directions completed deterministically), and each
 * right singular vector (row of Vt) signed so its largest-|entry| is positive.
 */
export function svd(a: Matrix): Svd {
  const {work, count, length, wide} = workingColumns(a);
  const rotations = new Float64Array(count * count); // V of B, column-stored, starts as I
  for (let c = 0; c < count; c++) rotations[c * count + c] = 1;
  const sweeps = orthogonalizeColumns(work, count, length, rotations);

  const norms = columnNorms(work, count, length);
  const order = descendingOrder(norms);
  const S = Float64Array.from(order, (c) => norms[c]);
  // Jacobi leaves every non-zero column orthogonal to the others relative to
  // its own norm, so even a tiny σ (or rounding noise of a zero one) normalises
  // to a valid singular vector. Only exactly zero columns need completing.
  const unit = new Float64Array(count * length); // B·V / σ, sorted: the left vectors of B
  const right = new Float64Array(count * count); // V of B, sorted
  const missing = order.map((c, k) => {
    right.set(rotations.subarray(c * count, (c + 1) * count), k * count);
    if (S[k] === 0) return true;
    for (let t = 0; t < length; t++) unit[k * length + t] = work[c * length + t] / S[k];
    return false;
  });
  completeBasis(unit, count, length, missing);

  // Sign convention: a's right singular vectors are B's V when a is tall, B's
  // left vectors when a is wide (a = Bᵀ). Flipping a vector and its partner
  // together leaves the product unchanged and keeps charts from flipping.
  for (let k = 0; k < count; k++) {
    const [vectors, size] = wide ? [unit, length] : [right, count];
    if (vectors[largestEntry(vectors, k * size, size)] >= 0) continue;
    for (let t = 0; t < length; t++) unit[k * length + t] = -unit[k * length + t];
    for (let t = 0; t < count; t++) right[k * count + t] = -right[k * count + t];
  }

  // Tall: a = B = unit·Σ·rightᵀ. Wide: a = Bᵀ = right·Σ·unitᵀ.
  const [left, leftSize, rightVectors, rightSize] = wide ? [right, count, unit, length] : [unit, length, right, count];
  const U = matrix(a.rows, count); // (m×p): column k is left[k]
  for (let k = 0; k < count; k++) for (let r = 0; r < leftSize; r++) U.data[r * count + k] = left[k * leftSize + r];
  const Vt = matrix(count, a.cols); // (p×n): row k is rightVectors[k]
  Vt.data.set(rightVectors.subarray(0, count * rightSize));
  return {U, S, Vt, sweeps};
}

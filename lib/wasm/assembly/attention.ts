// Causal multi-head self-attention's core (lib/nn/attention.ts) for every head of a
// batch in one call: scores Q·Kᵀ, causal softmax, P·V, and their gradients. Q, K, V
// and the outputs are (B·T, C) row-major, head h owning columns h·d … h·d + d − 1;
// the kernels read and write a head's columns in place (row stride C), so no head is
// copied out. Only the causal half is computed: row t of a head uses columns j ≤ t.
// Probabilities are kept for backward as B·H blocks of T rows of Tp floats (T rounded
// up to 4, zeros past column t), so every softmax row is whole vectors.
// Summation orders are fixed (no relaxed SIMD), so results are the same bits in Node
// (build-time loaders) and in browsers (the pages' live runs).
import {exp4, sumLanes} from "./exp";

// packed[p·Tp + j] = head element (j, p) at src + (j·ld + p) floats, for j < T; zero for T ≤ j < Tp.
// Kᵀ (or Vᵀ) of one head, so a row of Q·Kᵀ is a sum of scaled contiguous rows.
function packTransposed(src: usize, ld: i32, T: i32, d: i32, Tp: i32, packed: usize): void {
  for (let p = 0; p < d; p++) {
    const to = packed + (<usize>(p * Tp) << 2);
    for (let j = 0; j < T; j++) store<f32>(to + (<usize>j << 2), load<f32>(src + (<usize>(j * ld + p) << 2)));
    for (let j = T; j < Tp; j++) store<f32>(to + (<usize>j << 2), 0);
  }
}

// row[0 … 4·vectors) = a (d contiguous floats) · packed (d × Tp): one row of Q·Kᵀ
// (or of dOut·Vᵀ), its first `vectors` groups of 4 columns. Four groups at a time
// keep four independent add chains in flight.
function rowTimesPacked(a: usize, packed: usize, d: i32, Tp: i32, vectors: i32, row: usize): void {
  const stride = <usize>Tp << 2;
  let i = 0;
  for (; i + 4 <= vectors; i += 4) {
    const column = <usize>i << 4;
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let from = packed + column;
    for (let p = 0; p < d; p++) {
      const x = v128.load32_splat(a + (<usize>p << 2));
      s0 = f32x4.add(s0, f32x4.mul(x, v128.load(from)));
      s1 = f32x4.add(s1, f32x4.mul(x, v128.load(from, 16)));
      s2 = f32x4.add(s2, f32x4.mul(x, v128.load(from, 32)));
      s3 = f32x4.add(s3, f32x4.mul(x, v128.load(from, 48)));
      from += stride;
    }
    v128.store(row + column, s0); v128.store(row + column, s1, 16);
    v128.store(row + column, s2, 32); v128.store(row + column, s3, 48);
  }
  for (; i < vectors; i++) {
    const column = <usize>i << 4;
    let sum = f32x4.splat(0);
    let from = packed + column;
    for (let p = 0; p < d; p++) {
      sum = f32x4.add(sum, f32x4.mul(v128.load32_splat(a + (<usize>p << 2)), v128.load(from)));
      from += stride;
    }
    v128.store(row + column, sum);
  }
}

// dst[0 … d) = Σ_{i = from … to−1} w[i·wStride] · (src row i: d floats at src + i·ld floats).
// P·V's row (w a row of P, wStride 1) or Pᵀ·dOut's (w a column of P, wStride Tp).
function weightedRows(w: usize, wStride: i32, from: i32, to: i32, src: usize, ld: i32, d: i32, dst: usize): void {
  const weightStep = <usize>wStride << 2, rowStep = <usize>ld << 2;
  const firstWeight = w + (<usize>(from * wStride) << 2), firstRow = src + (<usize>(from * ld) << 2);
  let c = 0;
  for (; c + 16 <= d; c += 16) {
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let weight = firstWeight, row = firstRow + (<usize>c << 2);
    for (let i = from; i < to; i++) {
      const x = v128.load32_splat(weight);
      s0 = f32x4.add(s0, f32x4.mul(x, v128.load(row)));
      s1 = f32x4.add(s1, f32x4.mul(x, v128.load(row, 16)));
      s2 = f32x4.add(s2, f32x4.mul(x, v128.load(row, 32)));
      s3 = f32x4.add(s3, f32x4.mul(x, v128.load(row, 48)));
      weight += weightStep;
      row += rowStep;
    }
    const to_ = dst + (<usize>c << 2);
    v128.store(to_, s0); v128.store(to_, s1, 16); v128.store(to_, s2, 32); v128.store(to_, s3, 48);
  }
  for (; c + 4 <= d; c += 4) {
    let sum = f32x4.splat(0);
    let weight = firstWeight, row = firstRow + (<usize>c << 2);
    for (let i = from; i < to; i++) {
      sum = f32x4.add(sum, f32x4.mul(v128.load32_splat(weight), v128.load(row)));
      weight += weightStep;
      row += rowStep;
    }
    v128.store(dst + (<usize>c << 2), sum);
  }
  for (; c < d; c++) {
    let sum: f32 = 0;
    let weight = firstWeight, row = firstRow + (<usize>c << 2);
    for (let i = from; i < to; i++) {
      sum += load<f32>(weight) * load<f32>(row);
      weight += weightStep;
      row += rowStep;
    }
    store<f32>(dst + (<usize>c << 2), sum);
  }
}

// Lanes of group `group` whose column 4·group + lane is ≤ t (the causal mask).
// @ts-ignore: decorator
@inline
function visible(group: i32, t: i32): v128 {
  return i32x4.le_s(i32x4.add(i32x4(0, 1, 2, 3), i32x4.splat(group << 2)), i32x4.splat(t));
}

// Row t of P in place from row t of the scores (first `vectors` groups valid):
// p_j = e^{scale·s_j − max} / Σ for j ≤ t, 0 after, up to Tp columns.
function causalSoftmaxRow(row: usize, t: i32, vectors: i32, Tp: i32, scale: f32): void {
  const scaleVector = f32x4.splat(scale), hidden = f32x4.splat(-Infinity);
  let maxVector = hidden;
  for (let i = 0; i < vectors; i++) {
    const at = row + (<usize>i << 4);
    const x = v128.bitselect(f32x4.mul(v128.load(at), scaleVector), hidden, visible(i, t));
    v128.store(at, x);
    maxVector = f32x4.max(maxVector, x);
  }
  const max = f32x4.splat(Mathf.max(Mathf.max(f32x4.extract_lane(maxVector, 0), f32x4.extract_lane(maxVector, 1)),
    Mathf.max(f32x4.extract_lane(maxVector, 2), f32x4.extract_lane(maxVector, 3))));
  let sumVector = f32x4.splat(0);
  for (let i = 0; i < vectors; i++) {
    const at = row + (<usize>i << 4);
    // exp4 clamps, so a hidden lane would give ~1e-38, not 0: mask it again.
    const e = v128.and(exp4(f32x4.sub(v128.load(at), max)), visible(i, t));
    v128.store(at, e);
    sumVector = f32x4.add(sumVector, e);
  }
  const sum = f32x4.splat(sumLanes(sumVector));
  for (let i = 0; i < vectors; i++) {
    const at = row + (<usize>i << 4);
    v128.store(at, f32x4.div(v128.load(at), sum));
  }
  for (let i = vectors; i < Tp >> 2; i++) v128.store(row + (<usize>i << 4), f32x4.splat(0));
}

/**
 * Forward of every head of a batch: out = softmax(Q·Kᵀ·scale + causal mask)·V per head,
 * probabilities (B·H·T rows of Tp) kept for backward. q, k, v, out: (B·T, C) with
 * C = heads·d; packed: scratch of d·Tp floats. Pointers are byte offsets.
 */
export function attentionForward(
  q: usize, k: usize, v: usize, out: usize, probabilities: usize, packed: usize,
  batch: i32, T: i32, heads: i32, d: i32, scale: f32
): void {
  const C = heads * d, Tp = (T + 3) & ~3;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const base = <usize>(b * T * C + h * d) << 2; // head (b, h)'s element (0, 0)
      const headP = probabilities + (<usize>((b * heads + h) * T * Tp) << 2);
      packTransposed(k + base, C, T, d, Tp, packed); // Kᵀ (d, Tp)
      for (let t = 0; t < T; t++) {
        const row = headP + (<usize>(t * Tp) << 2), vectors = (t >> 2) + 1;
        const at = base + (<usize>(t * C) << 2);
        rowTimesPacked(q + at, packed, d, Tp, vectors, row); // (1, d) @ (d, Tp) -> scores row t, columns ≤ t
        causalSoftmaxRow(row, t, vectors, Tp, scale);
        weightedRows(row, 1, 0, t + 1, v + base, C, d, out + at); // (1, t+1) @ (t+1, d) -> (1, d)
      }
    }
  }
}

/**
 * Backward of `attentionForward`: from dOut (B·T, C) and the kept probabilities, dq, dk
 * and dv (B·T, C, overwritten). dP = dOut·Vᵀ; dS = scale·P ⊙ (dP − rowsum(dP ⊙ P));
 * dQ = dS·K, dK = dSᵀ·Q, dV = Pᵀ·dOut. packed: d·Tp floats; dScores: T·Tp floats (scratch).
 */
export function attentionBackward(
  q: usize, k: usize, v: usize, probabilities: usize, dOut: usize, dq: usize, dk: usize, dv: usize,
  packed: usize, dScores: usize, batch: i32, T: i32, heads: i32, d: i32, scale: f32
): void {
  const C = heads * d, Tp = (T + 3) & ~3;
  const scaleVector = f32x4.splat(scale);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const base = <usize>(b * T * C + h * d) << 2;
      const headP = probabilities + (<usize>((b * heads + h) * T * Tp) << 2);
      packTransposed(v + base, C, T, d, Tp, packed); // Vᵀ (d, Tp)
      for (let t = 0; t < T; t++) {
        const pRow = headP + (<usize>(t * Tp) << 2), dsRow = dScores + (<usize>(t * Tp) << 2);
        const vectors = (t >> 2) + 1, at = base + (<usize>(t * C) << 2);
        rowTimesPacked(dOut + at, packed, d, Tp, vectors, dsRow); // (1, d) @ (d, Tp) -> dP row t
        // P is 0 past column t (and dP finite there), so those lanes of dS come out 0.
        let dotVector = f32x4.splat(0);
        for (let i = 0; i < vectors; i++) {
          const offset = <usize>i << 4;
          dotVector = f32x4.add(dotVector, f32x4.mul(v128.load(dsRow + offset), v128.load(pRow + offset)));
        }
        const dot = f32x4.splat(sumLanes(dotVector));
        for (let i = 0; i < vectors; i++) {
          const offset = <usize>i << 4;
          const p = v128.load(pRow + offset);
          v128.store(dsRow + offset, f32x4.mul(f32x4.mul(scaleVector, p), f32x4.sub(v128.load(dsRow + offset), dot)));
        }
        weightedRows(dsRow, 1, 0, t + 1, k + base, C, d, dq + at); // (1, t+1) @ (t+1, d) -> dQ row t
      }
      for (let j = 0; j < T; j++) {
        const at = base + (<usize>(j * C) << 2);
        // Column j of P and of dS, rows t ≥ j (the rest are masked): (T−j, 1)ᵀ @ (T−j, d) -> (1, d).
        weightedRows(headP + (<usize>j << 2), Tp, j, T, dOut + base, C, d, dv + at); // dV row j
        weightedRows(dScores + (<usize>j << 2), Tp, j, T, q + base, C, d, dk + at); // dK row j
      }
    }
  }
}

// LayerNorm over each row of a (rows × C) matrix, forward and backward
// (lib/nn/layernorm.ts is the reference): row sums four lanes at a time, in a
// fixed order, in float32 (the reference sums in float64; the two agree to ~1e-7).
import {sumLanes} from "./exp";

// Σ of `count` floats from `at`: four lane sums, then the ragged tail.
// @ts-ignore: decorator
@inline
function rowSum(at: usize, count: i32): f32 {
  const vectorEnd = count & ~3;
  let sum = f32x4.splat(0);
  for (let j = 0; j < vectorEnd; j += 4) sum = f32x4.add(sum, v128.load(at + (<usize>j << 2)));
  let total = sumLanes(sum);
  for (let j = vectorEnd; j < count; j++) total += load<f32>(at + (<usize>j << 2));
  return total;
}

/**
 * normalized = (x − mean)/√(variance + eps) per row (biased variance), y = normalized·γ + β;
 * inverseStd[i] = 1/√(variance + eps). x, normalized, y: rows × C; gamma, beta: C; inverseStd: rows.
 */
export function layerNormForward(x: usize, gamma: usize, beta: usize, normalized: usize, y: usize, inverseStd: usize, rows: i32, C: i32, eps: f32): void {
  const vectorEnd = C & ~3;
  for (let i = 0; i < rows; i++) {
    const row = <usize>(i * C) << 2;
    const mean = rowSum(x + row, C) / <f32>C;
    const meanVector = f32x4.splat(mean);
    let squares = f32x4.splat(0);
    for (let j = 0; j < vectorEnd; j += 4) {
      const centered = f32x4.sub(v128.load(x + row + (<usize>j << 2)), meanVector);
      squares = f32x4.add(squares, f32x4.mul(centered, centered));
    }
    let variance = sumLanes(squares);
    for (let j = vectorEnd; j < C; j++) {
      const centered = load<f32>(x + row + (<usize>j << 2)) - mean;
      variance += centered * centered;
    }
    const inv: f32 = 1 / Mathf.sqrt(variance / <f32>C + eps);
    store<f32>(inverseStd + (<usize>i << 2), inv);
    const invVector = f32x4.splat(inv);
    let j = 0;
    for (; j < vectorEnd; j += 4) {
      const at = row + (<usize>j << 2);
      const n = f32x4.mul(f32x4.sub(v128.load(x + at), meanVector), invVector);
      v128.store(normalized + at, n);
      v128.store(y + at, f32x4.add(f32x4.mul(n, v128.load(gamma + (<usize>j << 2))), v128.load(beta + (<usize>j << 2))));
    }
    for (; j < C; j++) {
      const at = row + (<usize>j << 2);
      const n = (load<f32>(x + at) - mean) * inv;
      store<f32>(normalized + at, n);
      store<f32>(y + at, n * load<f32>(gamma + (<usize>j << 2)) + load<f32>(beta + (<usize>j << 2)));
    }
  }
}

/**
 * Backward of `layerNormForward`: dGamma += Σ_rows dy ⊙ normalized and dBeta += Σ_rows dy
 * (each only when its flag is set); with inputGrad,
 * dx = inverseStd·(dx̂ − mean(dx̂) − normalized·mean(dx̂ ⊙ normalized)), dx̂ = dy ⊙ γ.
 */
export function layerNormBackward(
  dy: usize, normalized: usize, gamma: usize, inverseStd: usize, dx: usize, dGamma: usize, dBeta: usize,
  rows: i32, C: i32, gammaGrad: bool, betaGrad: bool, inputGrad: bool
): void {
  const vectorEnd = C & ~3;
  for (let i = 0; i < rows; i++) {
    const row = <usize>(i * C) << 2;
    let j = 0;
    for (; j < vectorEnd; j += 4) {
      const at = row + (<usize>j << 2), column = <usize>j << 2;
      const g = v128.load(dy + at);
      if (gammaGrad) v128.store(dGamma + column, f32x4.add(v128.load(dGamma + column), f32x4.mul(g, v128.load(normalized + at))));
      if (betaGrad) v128.store(dBeta + column, f32x4.add(v128.load(dBeta + column), g));
    }
    for (; j < C; j++) {
      const at = row + (<usize>j << 2), column = <usize>j << 2;
      const g = load<f32>(dy + at);
      if (gammaGrad) store<f32>(dGamma + column, load<f32>(dGamma + column) + g * load<f32>(normalized + at));
      if (betaGrad) store<f32>(dBeta + column, load<f32>(dBeta + column) + g);
    }
    if (!inputGrad) continue;
    let sumD = f32x4.splat(0), sumDN = sumD;
    for (j = 0; j < vectorEnd; j += 4) {
      const at = row + (<usize>j << 2);
      const d = f32x4.mul(v128.load(dy + at), v128.load(gamma + (<usize>j << 2)));
      sumD = f32x4.add(sumD, d);
      sumDN = f32x4.add(sumDN, f32x4.mul(d, v128.load(normalized + at)));
    }
    let meanD = sumLanes(sumD), meanDN = sumLanes(sumDN);
    for (j = vectorEnd; j < C; j++) {
      const at = row + (<usize>j << 2);
      const d = load<f32>(dy + at) * load<f32>(gamma + (<usize>j << 2));
      meanD += d;
      meanDN += d * load<f32>(normalized + at);
    }
    meanD /= <f32>C;
    meanDN /= <f32>C;
    const inv = load<f32>(inverseStd + (<usize>i << 2));
    const invVector = f32x4.splat(inv), meanDVector = f32x4.splat(meanD), meanDNVector = f32x4.splat(meanDN);
    for (j = 0; j < vectorEnd; j += 4) {
      const at = row + (<usize>j << 2);
      const d = f32x4.mul(v128.load(dy + at), v128.load(gamma + (<usize>j << 2)));
      const centered = f32x4.sub(f32x4.sub(d, meanDVector), f32x4.mul(v128.load(normalized + at), meanDNVector));
      v128.store(dx + at, f32x4.mul(invVector, centered));
    }
    for (; j < C; j++) {
      const at = row + (<usize>j << 2);
      const d = load<f32>(dy + at) * load<f32>(gamma + (<usize>j << 2));
      store<f32>(dx + at, inv * (d - meanD - load<f32>(normalized + at) * meanDN));
    }
  }
}

// Element-wise optimizer updates with 128-bit SIMD. A training step's scalar
// Adam loop was a large share of its time (notes/performance.md); four lanes at
// a time, with a vector sqrt and divide, removes most of it.

/**
 * Adam / AdamW (Kingma & Ba 2015, Algorithm 1; Loshchilov & Hutter 2019) over
 * `count` parameters, in place, in the form lib/optim/adam.ts uses:
 *   g ← g + coupledDecay·θ;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   θ ← θ·shrink − stepSize·m / (√v·rootCorrection + ε)
 * with stepSize = lr/(1−β1ᵗ), rootCorrection = 1/√(1−β2ᵗ), shrink = 1 − lr·decay (AdamW) or 1.
 */
export function adam(
  params: usize, grads: usize, m: usize, v: usize, count: i32, beta1: f32, beta2: f32, epsilon: f32,
  stepSize: f32, rootCorrection: f32, coupledDecay: f32, shrink: f32
): void {
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const g1 = f32x4.splat(1 - beta1), g2 = f32x4.splat(1 - beta2);
  const step = f32x4.splat(stepSize), root = f32x4.splat(rootCorrection), eps = f32x4.splat(epsilon);
  const decay = f32x4.splat(coupledDecay), keep = f32x4.splat(shrink);
  const vectorEnd = count & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const at = <usize>i << 2;
    const theta = v128.load(params + at);
    const g = f32x4.add(v128.load(grads + at), f32x4.mul(decay, theta));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + at)), f32x4.mul(g1, g));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + at)), f32x4.mul(g2, f32x4.mul(g, g)));
    v128.store(m + at, mi);
    v128.store(v + at, vi);
    const denominator = f32x4.add(f32x4.mul(f32x4.sqrt(vi), root), eps);
    v128.store(params + at, f32x4.sub(f32x4.mul(theta, keep), f32x4.div(f32x4.mul(step, mi), denominator)));
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    const theta = load<f32>(params + at);
    const g = load<f32>(grads + at) + coupledDecay * theta;
    const mi = beta1 * load<f32>(m + at) + (1 - beta1) * g;
    const vi = beta2 * load<f32>(v + at) + (1 - beta2) * g * g;
    store<f32>(m + at, mi);
    store<f32>(v + at, vi);
    store<f32>(params + at, theta * shrink - (stepSize * mi) / (Mathf.sqrt(vi) * rootCorrection + epsilon));
  }
}

/** y += alpha · x over `count` floats, in place. */
export function axpy(alpha: f32, x: usize, y: usize, count: i32): void {
  const a = f32x4.splat(alpha);
  const vectorEnd = count & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const at = <usize>i << 2;
    v128.store(y + at, f32x4.add(v128.load(y + at), f32x4.mul(a, v128.load(x + at))));
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, load<f32>(y + at) + alpha * load<f32>(x + at));
  }
}

/** Σ x² over `count` floats, summed in float64 (as the JavaScript loop it replaces) two lanes at a time. */
export function sumOfSquares(x: usize, count: i32): f64 {
  let low = f64x2.splat(0), high = low;
  const vectorEnd = count & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const values = v128.load(x + (<usize>i << 2));
    const a = f64x2.promote_low_f32x4(values);
    const b = f64x2.promote_low_f32x4(v128.shuffle<f32>(values, values, 2, 3, 0, 1));
    low = f64x2.add(low, f64x2.mul(a, a));
    high = f64x2.add(high, f64x2.mul(b, b));
  }
  let sum = f64x2.extract_lane(low, 0) + f64x2.extract_lane(low, 1) + f64x2.extract_lane(high, 0) + f64x2.extract_lane(high, 1);
  for (; i < count; i++) {
    const value = <f64>load<f32>(x + (<usize>i << 2));
    sum += value * value;
  }
  return sum;
}

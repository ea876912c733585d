// Element-wise layer kernels with 128-bit SIMD. In JavaScript these loops cost
// ~4–5 ns per float32 written on the machines we measured (the float64 → float32
// store dominates), which made a bias add and ReLU's forward and backward about a
// fifth of a LoRA training step; four lanes at a time removes most of that.
// Each gives exactly the float32 results of its JavaScript loop in lib/ (a float32
// add is correctly rounded either way; ReLU only selects). GELU needs e^x, which
// has no instruction: it uses exp.ts's polynomial, so it only approximates the
// JavaScript loop (to a few float32 ulps).
import {exp4} from "./exp";

/** out[i][j] = a[i][j] + bias[j] for a rows×cols row-major matrix (a bias add). */
export function addRowVector(a: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  const vectorEnd = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const row = <usize>(i * cols) << 2;
    let j = 0;
    for (; j < vectorEnd; j += 4) {
      const at = <usize>j << 2;
      v128.store(out + row + at, f32x4.add(v128.load(a + row + at), v128.load(bias + at)));
    }
    for (; j < cols; j++) {
      const at = <usize>j << 2;
      store<f32>(out + row + at, load<f32>(a + row + at) + load<f32>(bias + at));
    }
  }
}

/** y = max(0, x) over `count` floats. */
export function relu(x: usize, y: usize, count: i32): void {
  const zero = f32x4.splat(0);
  const vectorEnd = count & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const at = <usize>i << 2;
    v128.store(y + at, f32x4.max(v128.load(x + at), zero));
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, Mathf.max(load<f32>(x + at), 0));
  }
}

/** dx = dy where x > 0, else 0 (ReLU's derivative at 0 taken as 0, as PyTorch). */
export function reluBackward(x: usize, dy: usize, dx: usize, count: i32): void {
  const zero = f32x4.splat(0);
  const vectorEnd = count & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const at = <usize>i << 2;
    v128.store(dx + at, v128.and(v128.load(dy + at), f32x4.gt(v128.load(x + at), zero)));
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    store<f32>(dx + at, load<f32>(x + at) > 0 ? load<f32>(dy + at) : 0);
  }
}

const GELU_C: f32 = 0.7978845608028654; // √(2/π)

/**
 * GELU, tanh form (lib/nn/activations.ts): y = 0.5·x·(1 + t), t = tanh(√(2/π)·(x + 0.044715·x³)),
 * t kept for backward and computed as 1 − 2/(e^{2u} + 1) (±1 at the clamp, never NaN).
 */
export function gelu(x: usize, y: usize, tanhInner: usize, count: i32): void {
  const half = f32x4.splat(0.5), one = f32x4.splat(1), two = f32x4.splat(2);
  const cubic = f32x4.splat(0.044715), twoC = f32x4.splat(2 * GELU_C);
  const vectorEnd = count & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const at = <usize>i << 2;
    const v = v128.load(x + at);
    const inner = f32x4.add(v, f32x4.mul(cubic, f32x4.mul(f32x4.mul(v, v), v)));
    const t = f32x4.sub(one, f32x4.div(two, f32x4.add(exp4(f32x4.mul(twoC, inner)), one)));
    v128.store(tanhInner + at, t);
    v128.store(y + at, f32x4.mul(f32x4.mul(half, v), f32x4.add(one, t)));
  }
  // The ragged tail through the same vector arithmetic, one lane used, so it rounds alike.
  for (; i < count; i++) {
    const at = <usize>i << 2;
    const v = f32x4.splat(load<f32>(x + at));
    const inner = f32x4.add(v, f32x4.mul(cubic, f32x4.mul(f32x4.mul(v, v), v)));
    const t = f32x4.sub(one, f32x4.div(two, f32x4.add(exp4(f32x4.mul(twoC, inner)), one)));
    store<f32>(tanhInner + at, f32x4.extract_lane(t, 0));
    store<f32>(y + at, f32x4.extract_lane(f32x4.mul(f32x4.mul(half, v), f32x4.add(one, t)), 0));
  }
}

/** dx = dy·(0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)), t from `gelu`. */
export function geluBackward(x: usize, tanhInner: usize, dy: usize, dx: usize, count: i32): void {
  const vectorEnd = count & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const at = <usize>i << 2;
    v128.store(dx + at, geluGradient(v128.load(x + at), v128.load(tanhInner + at), v128.load(dy + at)));
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    const g = geluGradient(f32x4.splat(load<f32>(x + at)), f32x4.splat(load<f32>(tanhInner + at)), f32x4.splat(load<f32>(dy + at)));
    store<f32>(dx + at, f32x4.extract_lane(g, 0));
  }
}

// @ts-ignore: decorator
@inline
function geluGradient(v: v128, t: v128, g: v128): v128 {
  const half = f32x4.splat(0.5), one = f32x4.splat(1);
  const dInner = f32x4.mul(f32x4.splat(GELU_C), f32x4.add(one, f32x4.mul(f32x4.splat(3 * 0.044715), f32x4.mul(v, v))));
  const local = f32x4.add(f32x4.mul(half, f32x4.add(one, t)), f32x4.mul(f32x4.mul(f32x4.mul(half, v), f32x4.sub(one, f32x4.mul(t, t))), dInner));
  return f32x4.mul(g, local);
}

// Element-wise operations, broadcasts and reductions, in plain loops; the bias add,
// which runs after every Linear forward, also has a SIMD path (see lib/wasm).
import {type Matrix, assertSameShape, output} from "./matrix.js";
import {addRowVectorWasm, fastKernelsActive} from "./wasm.js";

/** Below this many floats a JS loop beats copying into wasm memory and back. */
export const SIMD_ELEMENTWISE_MIN = 4096;

/** a + b -> out */
export function add(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  assertSameShape("add", a, b);
  const c = output("add", a.rows, a.cols, out);
  for (let i = 0; i < c.data.length; i++) c.data[i] = a.data[i] + b.data[i];
  return c;
}

/** a − b -> out */
export function sub(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  assertSameShape("sub", a, b);
  const c = output("sub", a.rows, a.cols, out);
  for (let i = 0; i < c.data.length; i++) c.data[i] = a.data[i] - b.data[i];
  return c;
}

/** s · a -> out */
export function scale(a: Matrix, s: number, out?: Matrix): Matrix {
  const c = output("scale", a.rows, a.cols, out);
  for (let i = 0; i < c.data.length; i++) c.data[i] = s * a.data[i];
  return c;
}

/** y += alpha · x, in place; returns y. */
export function axpy(alpha: number, x: Matrix, y: Matrix): Matrix {
  assertSameShape("axpy", x, y);
  for (let i = 0; i < y.data.length; i++) y.data[i] += alpha * x.data[i];
  return y;
}

/** a (m×n) + row vector v (1×n) on every row -> out (a bias add). */
export function addRowVector(a: Matrix, v: Matrix, out?: Matrix): Matrix {
  if (v.rows !== 1 || v.cols !== a.cols) {
    throw new RangeError(`addRowVector: vector is ${v.rows}×${v.cols}, expected 1×${a.cols}`);
  }
  const c = output("addRowVector", a.rows, a.cols, out);
  if (a.data.length >= SIMD_ELEMENTWISE_MIN && fastKernelsActive() && addRowVectorWasm(a.data, v.data, c.data, a.rows, a.cols)) return c;
  // Locals, not property reads, in the loop: this runs after every Linear forward.
  const source = a.data, bias = v.data, target = c.data, cols = a.cols;
  for (let row = 0; row < source.length; row += cols) {
    for (let j = 0; j < cols; j++) target[row + j] = source[row + j] + bias[j];
  }
  return c;
}

/** Column sums of a (m×n) -> (1×n); with accumulate, added into out (a bias gradient). */
export function sumRows(a: Matrix, out?: Matrix, accumulate = false): Matrix {
  const c = output("sumRows", 1, a.cols, out);
  if (!accumulate) c.data.fill(0);
  const source = a.data, target = c.data, cols = a.cols;
  for (let row = 0; row < source.length; row += cols) {
    for (let j = 0; j < cols; j++) target[j] += source[row + j];
  }
  return c;
}

/** Row-wise softmax, shifted by each row's max so exp never overflows. */
export function softmaxRows(a: Matrix, out?: Matrix): Matrix {
  const c = output("softmaxRows", a.rows, a.cols, out);
  for (let i = 0; i < a.rows; i++) {
    const row = i * a.cols;
    let max = -Infinity;
    for (let j = 0; j < a.cols; j++) max = Math.max(max, a.data[row + j]);
    let sum = 0;
    for (let j = 0; j < a.cols; j++) sum += c.data[row + j] = Math.exp(a.data[row + j] - max);
    for (let j = 0; j < a.cols; j++) c.data[row + j] /= sum;
  }
  return c;
}

/** The transpose, materialised (for analysis and display; kernels avoid it). */
export function transpose(a: Matrix, out?: Matrix): Matrix {
  const c = output("transpose", a.cols, a.rows, out);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) c.data[j * a.rows + i] = a.data[i * a.cols + j];
  }
  return c;
}

/** Sum of all entries. */
export function sum(a: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i];
  return s;
}

/** Frobenius norm ‖a‖_F. */
export function frobeniusNorm(a: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * a.data[i];
  return Math.sqrt(s);
}

/** Largest absolute entry-wise difference (tests and merge checks). */
export function maxAbsDiff(a: Matrix, b: Matrix): number {
  assertSameShape("maxAbsDiff", a, b);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

/** Index of the largest entry of each row (class predictions). */
export function argmaxRows(a: Matrix): Int32Array {
  const out = new Int32Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let best = 0;
    for (let j = 1; j < a.cols; j++) if (a.data[i * a.cols + j] > a.data[i * a.cols + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** True when every entry is finite. */
export function allFinite(a: Matrix): boolean {
  for (let i = 0; i < a.data.length; i++) if (!Number.isFinite(a.data[i])) return false;
  return true;
}

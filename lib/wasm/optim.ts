// Vectorised optimizer updates on plain Float32Arrays, for lib/optim to call
// where WebAssembly SIMD is available. Like the matmuls they copy the arrays into
// the module's memory and back; each returns false (having done nothing) when
// the module is missing, so the caller keeps its scalar loop as the fallback.
import {type KernelsExports, instantiateKernels, kernelsBuild, kernelsModule, workspace} from "./module.js";

/** One Adam step's constants, as lib/optim/adam.ts derives them for step t. */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  eps: number;
  /** lr / (1 − β1ᵗ) */
  stepSize: number;
  /** 1 / √(1 − β2ᵗ) */
  rootCorrection: number;
  /** Adam's L2 weight decay, added to the gradient (0 for AdamW). */
  coupledDecay?: number;
  /** AdamW's decoupled decay factor 1 − lr·wd (1 for Adam). */
  shrink?: number;
}

/**
 * Adam/AdamW update of theta, m and v in place from grad (all of one length),
 * with 4-lane SIMD; returns false without touching anything where wasm is missing.
 */
export function adamUpdateWasm(theta: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, constants: AdamConstants): boolean {
  if (!kernelsModule || !workspace) return false;
  const count = theta.length;
  if (grad.length !== count || m.length !== count || v.length !== count) {
    throw new RangeError(`adamUpdateWasm: lengths differ (θ ${count}, grad ${grad.length}, m ${m.length}, v ${v.length})`);
  }
  const {beta1, beta2, eps, stepSize, rootCorrection, coupledDecay = 0, shrink = 1} = constants;
  const [thetaAt, gradAt, mAt, vAt] = workspace.reserve(count, count, count, count);
  const memory = workspace.view();
  memory.set(theta, thetaAt);
  memory.set(grad, gradAt);
  memory.set(m, mAt);
  memory.set(v, vAt);
  kernelsModule.adam(thetaAt * 4, gradAt * 4, mAt * 4, vAt * 4, count, beta1, beta2, eps, stepSize, rootCorrection, coupledDecay, shrink);
  theta.set(memory.subarray(thetaAt, thetaAt + count));
  m.set(memory.subarray(mAt, mAt + count));
  v.set(memory.subarray(vAt, vAt + count));
  return true;
}

/**
 * Adam's moments kept in WebAssembly memory for the optimizer's whole life, so
 * a step copies only θ and its gradient in and θ out (before, m and v crossed
 * too: 4.3 ms of copying against 0.8 ms of update at width 1024). The state
 * gets a private instance of the kernels module: its memory is laid out once, at
 * construction, and never grows, so `m` and `v` are stable Float32Array views
 * that the scalar fallback reads too, and it is freed with the optimizer.
 */
export class ResidentAdamState {
  /** First moments, one view per tensor (into wasm memory). */
  readonly m: Float32Array[];
  /** Second moments, one view per tensor. */
  readonly v: Float32Array[];
  private readonly exports: KernelsExports;
  private readonly floats: Float32Array;
  private readonly offsets: {theta: number; grad: number; m: number; v: number}[];

  /** Null where WebAssembly SIMD is missing (the caller keeps plain arrays). */
  static create(lengths: readonly number[]): ResidentAdamState | null {
    const exports = kernelsBuild && instantiateKernels(kernelsBuild);
    return exports ? new ResidentAdamState(exports, lengths) : null;
  }

  private constructor(exports: KernelsExports, lengths: readonly number[]) {
    this.exports = exports;
    // Regions of whole 16-float (64-byte) lines: θ, grad, m, v per tensor.
    const round = (n: number) => Math.ceil(n / 16) * 16;
    let end = round(Math.ceil(exports.heapBase() / 4));
    this.offsets = lengths.map((length) => {
      const at = {theta: end, grad: end + round(length), m: end + 2 * round(length), v: end + 3 * round(length)};
      end += 4 * round(length);
      return at;
    });
    const missing = end * 4 - exports.memory.buffer.byteLength;
    if (missing > 0) exports.memory.grow(Math.ceil(missing / 65536));
    this.floats = new Float32Array(exports.memory.buffer); // final: the memory never grows again
    this.m = lengths.map((length, i) => this.floats.subarray(this.offsets[i].m, this.offsets[i].m + length));
    this.v = lengths.map((length, i) => this.floats.subarray(this.offsets[i].v, this.offsets[i].v + length));
  }

  /** Adam/AdamW update of tensor `index` (θ in place) with its resident m and v; 4-lane SIMD. */
  update(index: number, theta: Float32Array, grad: Float32Array, constants: AdamConstants): void {
    const at = this.offsets[index];
    const count = this.m[index].length;
    if (theta.length !== count || grad.length !== count) {
      throw new RangeError(`ResidentAdamState.update: tensor ${index} has ${count} values, θ ${theta.length}, grad ${grad.length}`);
    }
    const {beta1, beta2, eps, stepSize, rootCorrection, coupledDecay = 0, shrink = 1} = constants;
    this.floats.set(theta, at.theta);
    this.floats.set(grad, at.grad);
    this.exports.adam(at.theta * 4, at.grad * 4, at.m * 4, at.v * 4, count, beta1, beta2, eps, stepSize, rootCorrection, coupledDecay, shrink);
    theta.set(this.floats.subarray(at.theta, at.theta + count));
  }
}

/** y += alpha·x in place with 4-lane SIMD; returns false without touching y where wasm is missing. */
export function axpyWasm(alpha: number, x: Float32Array, y: Float32Array): boolean {
  if (!kernelsModule || !workspace) return false;
  if (x.length !== y.length) throw new RangeError(`axpyWasm: lengths differ (x ${x.length}, y ${y.length})`);
  const [xAt, yAt] = workspace.reserve(x.length, y.length);
  const memory = workspace.view();
  memory.set(x, xAt);
  memory.set(y, yAt);
  kernelsModule.axpy(alpha, xAt * 4, yAt * 4, y.length);
  y.set(memory.subarray(yAt, yAt + y.length));
  return true;
}

/** Σ x² in float64 with 2-lane SIMD, or null (nothing done) where wasm is missing. */
export function sumOfSquaresWasm(x: Float32Array): number | null {
  if (!kernelsModule || !workspace) return null;
  const [at] = workspace.reserve(x.length);
  workspace.view().set(x, at);
  return kernelsModule.sumOfSquares(at * 4, x.length);
}

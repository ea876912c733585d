// Vectorised optimizer updates on plain Float32Arrays, for lib/optim to call
// where WebAssembly SIMD is available. Like the matmuls they copy the arrays into
// the module's memory and back; each returns false (having done nothing) when
// the module is missing, so the caller keeps its scalar loop as the fallback.
import {kernelsModule, workspace} from "./module.js";

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

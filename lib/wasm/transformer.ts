// JS side of the Transformer kernels (lib/wasm/assembly/attention.ts, layernorm.ts,
// and GELU in elementwise.ts), for lib/nn to call while the wasm engine is active.
// Like the matmuls they copy operands into the module's memory and results back;
// each returns false (or null), having done nothing, where the module is missing, so
// the caller keeps its TypeScript reference path.
import {kernelsModule, workspace} from "./module.js";

/** A batch of causal attention: activations (batch·T, heads·headDim), row b·T + t is token t of sequence b. */
export interface AttentionShape {
  batch: number;
  T: number;
  heads: number;
  headDim: number;
}

/** Floats of the probabilities `attentionForwardWasm` keeps: B·H blocks of T rows of T rounded up to 4. */
function probabilitiesLength({batch, T, heads}: AttentionShape): number {
  return batch * heads * T * (Math.ceil(T / 4) * 4);
}

/**
 * out = softmax(Q·Kᵀ·scale + causal mask)·V for every head, written into `out` (B·T, C);
 * returns the probabilities backward needs (an opaque padded layout), or null without wasm.
 */
export function attentionForwardWasm(q: Float32Array, k: Float32Array, v: Float32Array, out: Float32Array, shape: AttentionShape, scale: number): Float32Array | null {
  if (!kernelsModule || !workspace) return null;
  const {batch, T, heads, headDim} = shape, n = q.length, pLength = probabilitiesLength(shape);
  const [qAt, kAt, vAt, outAt, pAt, packedAt] = workspace.reserve(n, n, n, n, pLength, headDim * Math.ceil(T / 4) * 4);
  const memory = workspace.view();
  memory.set(q, qAt);
  memory.set(k, kAt);
  memory.set(v, vAt);
  kernelsModule.attentionForward(qAt * 4, kAt * 4, vAt * 4, outAt * 4, pAt * 4, packedAt * 4, batch, T, heads, headDim, scale);
  out.set(memory.subarray(outAt, outAt + n));
  return memory.slice(pAt, pAt + pLength);
}

/** Gradients of `attentionForwardWasm` into dq, dk, dv (overwritten) from dOut and its probabilities; false without wasm. */
export function attentionBackwardWasm(
  q: Float32Array, k: Float32Array, v: Float32Array, probabilities: Float32Array, dOut: Float32Array,
  dq: Float32Array, dk: Float32Array, dv: Float32Array, shape: AttentionShape, scale: number
): boolean {
  if (!kernelsModule || !workspace) return false;
  const {batch, T, heads, headDim} = shape, n = q.length, Tp = Math.ceil(T / 4) * 4;
  const [qAt, kAt, vAt, pAt, dOutAt, dqAt, dkAt, dvAt, packedAt, dScoresAt] =
    workspace.reserve(n, n, n, probabilities.length, n, n, n, n, headDim * Tp, T * Tp);
  const memory = workspace.view();
  memory.set(q, qAt);
  memory.set(k, kAt);
  memory.set(v, vAt);
  memory.set(probabilities, pAt);
  memory.set(dOut, dOutAt);
  kernelsModule.attentionBackward(qAt * 4, kAt * 4, vAt * 4, pAt * 4, dOutAt * 4, dqAt * 4, dkAt * 4, dvAt * 4, packedAt * 4, dScoresAt * 4, batch, T, heads, headDim, scale);
  dq.set(memory.subarray(dqAt, dqAt + n));
  dk.set(memory.subarray(dkAt, dkAt + n));
  dv.set(memory.subarray(dvAt, dvAt + n));
  return true;
}

/** LayerNorm forward of x (rows × C): fills normalized, y (rows × C) and inverseStd (rows); false without wasm. */
export function layerNormForwardWasm(
  x: Float32Array, gamma: Float32Array, beta: Float32Array, normalized: Float32Array, y: Float32Array, inverseStd: Float32Array, eps: number
): boolean {
  if (!kernelsModule || !workspace) return false;
  const C = gamma.length, rows = inverseStd.length, n = x.length;
  const [xAt, gammaAt, betaAt, normalizedAt, yAt, inverseStdAt] = workspace.reserve(n, C, C, n, n, rows);
  const memory = workspace.view();
  memory.set(x, xAt);
  memory.set(gamma, gammaAt);
  memory.set(beta, betaAt);
  kernelsModule.layerNormForward(xAt * 4, gammaAt * 4, betaAt * 4, normalizedAt * 4, yAt * 4, inverseStdAt * 4, rows, C, eps);
  normalized.set(memory.subarray(normalizedAt, normalizedAt + n));
  y.set(memory.subarray(yAt, yAt + n));
  inverseStd.set(memory.subarray(inverseStdAt, inverseStdAt + rows));
  return true;
}

/** LayerNorm backward: adds into dGamma and dBeta where given (else leaves them), fills dx where given; false without wasm. */
export function layerNormBackwardWasm(
  dy: Float32Array, normalized: Float32Array, gamma: Float32Array, inverseStd: Float32Array,
  {dx, dGamma, dBeta}: {dx: Float32Array | null; dGamma: Float32Array | null; dBeta: Float32Array | null}
): boolean {
  if (!kernelsModule || !workspace) return false;
  const C = gamma.length, rows = inverseStd.length, n = dy.length;
  const [dyAt, normalizedAt, gammaAt, inverseStdAt, dxAt, dGammaAt, dBetaAt] = workspace.reserve(n, n, C, rows, n, C, C);
  const memory = workspace.view();
  memory.set(dy, dyAt);
  memory.set(normalized, normalizedAt);
  memory.set(gamma, gammaAt);
  memory.set(inverseStd, inverseStdAt);
  if (dGamma) memory.set(dGamma, dGammaAt);
  if (dBeta) memory.set(dBeta, dBetaAt);
  kernelsModule.layerNormBackward(dyAt * 4, normalizedAt * 4, gammaAt * 4, inverseStdAt * 4, dxAt * 4, dGammaAt * 4, dBetaAt * 4, rows, C, dGamma !== null, dBeta !== null, dx !== null);
  if (dx) dx.set(memory.subarray(dxAt, dxAt + n));
  if (dGamma) dGamma.set(memory.subarray(dGammaAt, dGammaAt + C));
  if (dBeta) dBeta.set(memory.subarray(dBetaAt, dBetaAt + C));
  return true;
}

/** GELU (tanh form) of x into y, and the tanh term backward reuses into tanhInner; false without wasm. */
export function geluWasm(x: Float32Array, y: Float32Array, tanhInner: Float32Array): boolean {
  if (!kernelsModule || !workspace) return false;
  const n = x.length;
  const [xAt, yAt, tanhAt] = workspace.reserve(n, n, n);
  const memory = workspace.view();
  memory.set(x, xAt);
  kernelsModule.gelu(xAt * 4, yAt * 4, tanhAt * 4, n);
  y.set(memory.subarray(yAt, yAt + n));
  tanhInner.set(memory.subarray(tanhAt, tanhAt + n));
  return true;
}

/** GELU's input gradient dx from x, forward's tanh term and dy; false without wasm. */
export function geluBackwardWasm(x: Float32Array, tanhInner: Float32Array, dy: Float32Array, dx: Float32Array): boolean {
  if (!kernelsModule || !workspace) return false;
  const n = x.length;
  const [xAt, tanhAt, dyAt] = workspace.reserve(n, n, n);
  const memory = workspace.view();
  memory.set(x, xAt);
  memory.set(tanhInner, tanhAt);
  memory.set(dy, dyAt);
  kernelsModule.geluBackward(xAt * 4, tanhAt * 4, dyAt * 4, dyAt * 4, n); // dx over dy, in place
  dx.set(memory.subarray(dyAt, dyAt + n));
  return true;
}

// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), as torch.optim:
//   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//   θ ← θ − lr · m̂ / (√v̂ + ε),  m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
// Adam's weight decay is coupled (wd·θ added to g); AdamW's is decoupled
// (θ ← θ·(1 − lr·wd) before the step), so it does not pass through 1/√v̂.
// While the WebAssembly engine is active, large tensors take its 4-lane SIMD
// update: in a full fine-tune the scalar loop was the largest phase of a step.
// Their moments live in WebAssembly memory (ResidentAdamState) from the start,
// so only θ and the gradient cross per step; the scalar loop reads the same views.
import {fastKernelsActive} from "../matrix/index.js";
import {ResidentAdamState} from "../wasm/optim.js";
import {checkNonNegative, checkPositive, checkRange} from "../check.js";
import type {Parameter} from "../nn/parameter.js";
import {Optimizer} from "./optimizer.js";

/** Below this many values the copies into wasm memory cost more than the loop saves. */
const SIMD_MIN_LENGTH = 1024;

/** Adam options (PyTorch defaults). */
export interface AdamOptions {
  lr?: number;
  /** [β1, β2], each in [0, 1). Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** ε > 0 in the denominator. Default 1e-8. */
  eps?: number;
  /** ≥ 0; Adam default 0, AdamW default 0.01. */
  weightDecay?: number;
}

/** Adam with coupled (L2) weight decay; two floats of state per parameter. */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** True for AdamW. */
  readonly decoupled: boolean;
  private moments = new Map<Parameter, {m: Float32Array; v: Float32Array; resident: number}>();
  private readonly resident: ResidentAdamState | null;

  constructor(parameters: readonly Parameter[], options: AdamOptions = {}, decoupled = false) {
    const {lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = decoupled ? 0.01 : 0} = options;
    super(parameters, lr);
    checkRange("betas[0]", betas[0], 0, 1, {highOpen: true});
    checkRange("betas[1]", betas[1], 0, 1, {highOpen: true});
    checkPositive("eps", eps);
    checkNonNegative("weightDecay", weightDecay);
    [this.beta1, this.beta2] = betas;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decoupled = decoupled;
    const large = this.parameters.filter((p) => p.value.data.length >= SIMD_MIN_LENGTH);
    this.resident = large.length ? ResidentAdamState.create(large.map((p) => p.value.data.length)) : null;
    for (const p of this.parameters) {
      const n = p.value.data.length;
      const index = this.resident ? large.indexOf(p) : -1;
      if (index >= 0) this.moments.set(p, {m: this.resident!.m[index], v: this.resident!.v[index], resident: index});
      else this.moments.set(p, {m: new Float32Array(n), v: new Float32Array(n), resident: -1});
    }
  }

  stateBytes(): number {
    let bytes = 0;
    for (const {m, v} of this.moments.values()) bytes += m.byteLength + v.byteLength;
    return bytes;
  }

  protected update(p: Parameter, lr: number): void {
    const {m, v, resident} = this.moments.get(p)!;
    const theta = p.value.data, grad = p.grad.data;
    const {beta1, beta2, eps} = this;
    const decay = p.options.weightDecay ? this.weightDecay : 0;
    const coupled = this.decoupled ? 0 : decay;
    const shrink = this.decoupled ? 1 - lr * decay : 1;
    const stepSize = lr / (1 - beta1 ** this.stepCount);
    const rootCorrection = 1 / Math.sqrt(1 - beta2 ** this.stepCount);
    if (resident >= 0 && fastKernelsActive()) {
      this.resident!.update(resident, theta, grad, {beta1, beta2, eps, stepSize, rootCorrection, coupledDecay: coupled, shrink});
      return;
    }
    for (let i = 0; i < theta.length; i++) {
      const g = grad[i] + coupled * theta[i];
      const mi = (m[i] = beta1 * m[i] + (1 - beta1) * g);
      const vi = (v[i] = beta2 * v[i] + (1 - beta2) * g * g);
      theta[i] = theta[i] * shrink - (stepSize * mi) / (Math.sqrt(vi) * rootCorrection + eps);
    }
  }
}

/** AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch). */
export class AdamW extends Adam {
  constructor(parameters: readonly Parameter[], options: AdamOptions = {}) {
    super(parameters, options, true);
  }
}

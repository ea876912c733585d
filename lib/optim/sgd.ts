// Stochastic gradient descent with optional heavy-ball momentum, as torch.optim.SGD:
// v ← μ·v + g;  θ ← θ − lr·v  (weight decay, if any, adds wd·θ to g).
import {checkNonNegative, checkRange} from "../check.js";
import type {Parameter} from "../nn/parameter.js";
import {Optimizer} from "./optimizer.js";

/** SGD options. */
export interface SGDOptions {
  lr: number;
  /** μ in [0, 1); 0 keeps no state. */
  momentum?: number;
  /** L2 penalty coefficient, ≥ 0 (coupled: added to the gradient). */
  weightDecay?: number;
}

/** SGD with momentum; one float of state per parameter when momentum > 0. */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly weightDecay: number;
  private velocity = new Map<Parameter, Float32Array>();

  constructor(parameters: readonly Parameter[], {lr, momentum = 0, weightDecay = 0}: SGDOptions) {
    super(parameters, lr);
    checkRange("momentum", momentum, 0, 1, {highOpen: true});
    checkNonNegative("weightDecay", weightDecay);
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    if (momentum > 0) for (const p of this.parameters) this.velocity.set(p, new Float32Array(p.value.data.length));
  }

  stateBytes(): number {
    let bytes = 0;
    for (const v of this.velocity.values()) bytes += v.byteLength;
    return bytes;
  }

  protected update(p: Parameter, lr: number): void {
    const theta = p.value.data, grad = p.grad.data;
    const decay = p.options.weightDecay ? this.weightDecay : 0;
    const velocity = this.velocity.get(p);
    for (let i = 0; i < theta.length; i++) {
      let g = grad[i] + decay * theta[i];
      if (velocity) g = velocity[i] = this.momentum * velocity[i] + g;
      theta[i] -= lr * g;
    }
  }
}

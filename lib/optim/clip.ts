// Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_): if the norm of
// all gradients together exceeds maxNorm, scale every gradient by maxNorm/norm.
import {checkPositive} from "../check.js";
import type {Parameter} from "../nn/parameter.js";

/** √(Σ ‖grad‖²) over the parameters, in float64. */
export function gradNorm(parameters: Iterable<Parameter>): number {
  let sum = 0;
  for (const p of parameters) for (const g of p.grad.data) sum += g * g;
  return Math.sqrt(sum);
}

/** Scales gradients so their global norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(parameters: readonly Parameter[], maxNorm: number): number {
  checkPositive("maxNorm", maxNorm);
  const norm = gradNorm(parameters);
  if (norm > maxNorm) {
    const factor = maxNorm / (norm + 1e-6); // PyTorch's +1e-6 keeps the factor finite
    for (const p of parameters) for (let i = 0; i < p.grad.data.length; i++) p.grad.data[i] *= factor;
  }
  return norm;
}

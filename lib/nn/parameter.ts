// A parameter is a value and its gradient side by side (convnetjs), plus the two
// flags an optimizer needs. Freezing a weight means `trainable: false`: the layer
// then skips its gradient and optimizers refuse it (they only see what is listed).
import {type Matrix, zeros} from "../matrix/index.js";

/** Per-parameter optimizer settings: LoRA+ sets `lrMultiplier` on B; biases skip weight decay. */
export interface ParameterOptions {
  /** The optimizer's learning rate is multiplied by this for this parameter. */
  lrMultiplier: number;
  /** Whether weight decay (L2 in SGD/Adam, decoupled in AdamW) applies. */
  weightDecay: boolean;
}

/** A trainable (or frozen) matrix: `name` is local to its module ("weight", "lora_A"). */
export interface Parameter {
  name: string;
  value: Matrix;
  /** Same shape as value; backward adds into it (+=) until `zeroGrad`. */
  grad: Matrix;
  trainable: boolean;
  options: ParameterOptions;
}

/** Wraps a matrix as a parameter with a zero gradient. */
export function parameter(
  name: string,
  value: Matrix,
  {trainable = true, lrMultiplier = 1, weightDecay = true}: Partial<ParameterOptions> & {trainable?: boolean} = {}
): Parameter {
  return {name, value, grad: zeros(value.rows, value.cols), trainable, options: {lrMultiplier, weightDecay}};
}

/** Sets every gradient to zero (before each backward pass, since backward accumulates). */
export function zeroGrad(parameters: Iterable<Parameter>): void {
  for (const p of parameters) p.grad.data.fill(0);
}

/** Number of scalar values in the given parameters. */
export function countValues(parameters: Iterable<Parameter>): number {
  let n = 0;
  for (const p of parameters) n += p.value.data.length;
  return n;
}

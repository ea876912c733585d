// The module interface every layer implements: forward(x) caches what backward
// needs, backward(dy) adds parameter gradients (+=) and returns dx. Names follow
// PyTorch: a module's parameters and submodules are reached by dotted paths such
// as "layers.0.weight", which is what LoRA's `targetModules` matches against.
import type {Matrix} from "../matrix/index.js";
import type {Parameter} from "./parameter.js";

/** Options for a forward pass; `training` turns dropout on. */
export interface ForwardContext {
  training?: boolean;
  /**
   * T for sequence models: their activations are (B·T, C) row-major, row b·T + t
   * holding token t of sequence b. Attention and position embeddings need it.
   */
  sequenceLength?: number;
}

/** Options for a backward pass; `inputGrad: false` skips dx (the data batch needs none). */
export interface BackwardOptions {
  inputGrad?: boolean;
}

/** A layer or a model: forward, backward next to it, and the parameters it holds. */
export abstract class Module {
  /** The layer type, for display ("Linear", "LoRALinear", ...). */
  abstract readonly kind: string;

  /** (B, in) -> (B, out); caches what backward needs. */
  abstract forward(x: Matrix, context?: ForwardContext): Matrix;

  /**
   * dL/dy (B, out) -> dL/dx (B, in), adding parameter gradients into `grad` (+=).
   * With `inputGrad: false` it may skip dx and return a (B, 0) placeholder.
   */
  abstract backward(dy: Matrix, options?: BackwardOptions): Matrix;

  /** Parameters held directly by this module (not its children), by local name. */
  ownParameters(): Parameter[] {
    return [];
  }

  /** Direct submodules, by local name. */
  children(): [string, Module][] {
    return [];
  }

  /** Replaces the direct submodule `name` (used to wrap layers with LoRA). */
  setChild(name: string, _module: Module): void {
    throw new Error(`${this.kind} has no replaceable submodule "${name}"`);
  }

  /** Every module in the tree, root first, with dotted names ("" for the root). */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.children()) out.push(...child.namedModules(join(prefix, name)));
    return out;
  }

  /** Every parameter in the tree, with dotted names ("layers.0.weight"). */
  namedParameters(prefix = ""): [string, Parameter][] {
    const out: [string, Parameter][] = this.ownParameters().map((p) => [join(prefix, p.name), p]);
    for (const [name, child] of this.children()) out.push(...child.namedParameters(join(prefix, name)));
    return out;
  }

  /** Every parameter in the tree (trainable and frozen). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The parameters an optimizer should see: those with `trainable: true`. */
  trainableParameters(): Parameter[] {
    return this.parameters().filter((p) => p.trainable);
  }
}

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** The placeholder backward returns when the input gradient was not asked for. */
export function noInputGrad(rows: number): Matrix {
  return {rows, cols: 0, data: new Float32Array(0)};
}

/** Throws if backward runs before forward (nothing cached). */
export function cached<T>(layer: string, value: T | undefined): T {
  if (value === undefined) throw new Error(`${layer}: backward called before forward`);
  return value;
}

/** Throws unless dy has the shape of the forward output. */
export function checkGradShape(layer: string, dy: Matrix, rows: number, cols: number): void {
  if (dy.rows !== rows || dy.cols !== cols) {
    throw new RangeError(`${layer}: dy is ${dy.rows}×${dy.cols}, expected ${rows}×${cols} (the forward output's shape)`);
  }
}

// Containers. Sequential runs its children in order and names them "0", "1", …;
// MLP holds one Sequential called "layers", so its Linear layers are
// "layers.0", "layers.2", … exactly as in a PyTorch `nn.Sequential` MLP.
import type {Matrix} from "../matrix/index.js";
import type {Rng} from "../random.js";
import {ReLU, GELU, Tanh} from "./activations.js";
import {checkInteger} from "../check.js";
import {Linear} from "./linear.js";
import {type BackwardOptions, type ForwardContext, Module} from "./module.js";

/** Runs modules in order; backward runs them in reverse. */
export class Sequential extends Module {
  readonly kind = "Sequential";
  readonly modules: Module[];

  constructor(modules: Module[]) {
    super();
    this.modules = [...modules];
  }

  forward(x: Matrix, context: ForwardContext = {}): Matrix {
    for (const module of this.modules) x = module.forward(x, context);
    return x;
  }

  backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    for (let i = this.modules.length - 1; i >= 0; i--) {
      // Only the first module's dx may be skipped: every other one feeds a layer below.
      dy = this.modules[i].backward(dy, {inputGrad: i > 0 || inputGrad});
    }
    return dy;
  }

  override children(): [string, Module][] {
    return this.modules.map((m, i) => [String(i), m]);
  }

  override setChild(name: string, module: Module): void {
    const index = Number(name);
    if (!Number.isInteger(index) || index < 0 || index >= this.modules.length) {
      throw new RangeError(`Sequential: no submodule "${name}" (it has 0…${this.modules.length - 1})`);
    }
    this.modules[index] = module;
  }
}

/** Hidden-layer nonlinearity of an MLP. */
export type ActivationName = "relu" | "gelu" | "tanh";

/** Options for an MLP. */
export interface MLPOptions {
  activation?: ActivationName;
  bias?: boolean;
}

const activations = {relu: ReLU, gelu: GELU, tanh: Tanh};

/** A multilayer perceptron, sizes [in, hidden…, out]: Linear, activation, …, Linear (no final activation). */
export class MLP extends Module {
  readonly kind = "MLP";
  readonly sizes: readonly number[];
  layers: Sequential;

  constructor(sizes: readonly number[], random: Rng, {activation = "relu", bias = true}: MLPOptions = {}) {
    super();
    if (sizes.length < 2) throw new RangeError(`sizes must list at least [in, out], got [${sizes.join(", ")}]`);
    sizes.forEach((size, i) => checkInteger(`sizes[${i}]`, size, 1));
    if (!(activation in activations)) {
      throw new RangeError(`activation must be one of ${Object.keys(activations).join(", ")}, got ${activation}`);
    }
    this.sizes = [...sizes];
    const modules: Module[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      if (i > 0) modules.push(new activations[activation]());
      modules.push(new Linear(sizes[i], sizes[i + 1], random, {bias}));
    }
    this.layers = new Sequential(modules);
  }

  forward(x: Matrix, context: ForwardContext = {}): Matrix {
    return this.layers.forward(x, context);
  }

  backward(dy: Matrix, options: BackwardOptions = {}): Matrix {
    return this.layers.backward(dy, options);
  }

  override children(): [string, Module][] {
    return [["layers", this.layers]];
  }

  override setChild(name: string, module: Module): void {
    if (name !== "layers" || !(module instanceof Sequential)) {
      throw new RangeError(`MLP: only "layers" can be replaced, by a Sequential; got "${name}"`);
    }
    this.layers = module;
  }
}

// A makemore-style character MLP (Bengio et al. 2003) whose layers have names a reader
// can target ("hidden", "out"), like a PyTorch module with named attributes.
import type {Matrix} from "../matrix/index.js";
import type {Rng} from "../random.js";
import {Tanh} from "./activations.js";
import {Embedding} from "./embedding.js";
import {Linear} from "./linear.js";
import {type BackwardOptions, type ForwardContext, Module} from "./module.js";

/** Sizes of a character MLP. */
export interface CharModelSizes {
  vocabulary: number;
  context: number;
  embedding: number;
  hidden: number;
}

/** Bengio et al. 2003: embed `context` letters, concatenate, tanh hidden layer, logits over the next letter. */
export class CharMLP extends Module {
  readonly kind = "CharMLP";
  readonly sizes: CharModelSizes;
  private parts: [string, Module][];

  constructor(sizes: CharModelSizes, random: Rng) {
    super();
    const {vocabulary, context, embedding, hidden} = sizes;
    this.sizes = {...sizes};
    this.parts = [
      ["embed", new Embedding(vocabulary, embedding, random)], // (B, context) ids -> (B, context·embedding)
      ["hidden", new Linear(context * embedding, hidden, random)], // -> (B, hidden)
      ["act", new Tanh()],
      ["out", new Linear(hidden, vocabulary, random)] // -> (B, vocabulary) logits
    ];
  }

  forward(x: Matrix, context: ForwardContext = {}): Matrix {
    for (const [, part] of this.parts) x = part.forward(x, context);
    return x;
  }

  backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    // The token ids have no gradient; every other part must pass dx down.
    for (let i = this.parts.length - 1; i >= 0; i--) dy = this.parts[i][1].backward(dy, {inputGrad: i > 0 || inputGrad});
    return dy;
  }

  override children(): [string, Module][] {
    return [...this.parts];
  }

  override setChild(name: string, module: Module): void {
    const index = this.parts.findIndex(([n]) => n === name);
    if (index < 0) throw new RangeError(`CharMLP: no submodule "${name}" (it has ${this.parts.map(([n]) => n).join(", ")})`);
    this.parts[index] = [name, module];
  }
}

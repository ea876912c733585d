// The pieces of a pre-norm Transformer block as in GPT-2 (Radford et al. 2019, §2.3):
//   h = x + attn(ln_1(x)),  y = h + mlp(ln_2(h)).
// The MLP's layers are named up_proj and down_proj (Llama's names, common in PEFT
// target_modules); GPT-2 calls the same two layers mlp.c_fc and mlp.c_proj.
import type {Matrix} from "../matrix/index.js";
import type {Rng} from "../random.js";
import {GELU} from "./activations.js";
import {CausalSelfAttention} from "./attention.js";
import {checkInteger} from "../check.js";
import {LayerNorm} from "./layernorm.js";
import {Linear} from "./linear.js";
import {type BackwardOptions, type ForwardContext, Module} from "./module.js";

/** up_proj (C -> hidden), GELU (tanh form, GPT-2's), down_proj (hidden -> C). */
export class FeedForward extends Module {
  readonly kind = "FeedForward";
  up_proj: Module;
  down_proj: Module;
  private readonly activation = new GELU();

  constructor(embeddingDim: number, hiddenDim: number, random: Rng) {
    super();
    checkInteger("hiddenDim", hiddenDim, 1);
    this.up_proj = new Linear(embeddingDim, hiddenDim, random);
    this.down_proj = new Linear(hiddenDim, embeddingDim, random);
  }

  override children(): [string, Module][] {
    return [["up_proj", this.up_proj], ["down_proj", this.down_proj]];
  }

  override setChild(name: string, module: Module): void {
    if (name === "up_proj") this.up_proj = module;
    else if (name === "down_proj") this.down_proj = module;
    else throw new RangeError(`${this.kind}: no submodule "${name}" (it has up_proj, down_proj)`);
  }

  forward(x: Matrix, context: ForwardContext = {}): Matrix {
    const hidden = this.activation.forward(this.up_proj.forward(x, context)); // (N, C) -> (N, hidden)
    return this.down_proj.forward(hidden, context); // (N, hidden) -> (N, C)
  }

  backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    const dHidden = this.activation.backward(this.down_proj.backward(dy)); // (N, C) -> (N, hidden)
    return this.up_proj.backward(dHidden, {inputGrad}); // (N, hidden) -> (N, C)
  }
}

/** One pre-norm block: ln_1, attn, ln_2, mlp, each added back onto the residual stream. */
export class TransformerBlock extends Module {
  readonly kind = "TransformerBlock";
  readonly ln_1: LayerNorm;
  readonly attn: CausalSelfAttention;
  readonly ln_2: LayerNorm;
  readonly mlp: FeedForward;

  constructor(embeddingDim: number, heads: number, random: Rng, {hiddenDim = 4 * embeddingDim} = {}) {
    super();
    this.ln_1 = new LayerNorm(embeddingDim);
    this.attn = new CausalSelfAttention(embeddingDim, heads, random);
    this.ln_2 = new LayerNorm(embeddingDim);
    this.mlp = new FeedForward(embeddingDim, hiddenDim, random);
  }

  override children(): [string, Module][] {
    return [["ln_1", this.ln_1], ["attn", this.attn], ["ln_2", this.ln_2], ["mlp", this.mlp]];
  }

  forward(x: Matrix, context: ForwardContext = {}): Matrix {
    const h = this.attn.forward(this.ln_1.forward(x), context); // (B·T, C) -> (B·T, C)
    for (let i = 0; i < h.data.length; i++) h.data[i] += x.data[i]; // residual: h = x + attn(ln_1(x))
    const y = this.mlp.forward(this.ln_2.forward(h), context); // (B·T, C) -> (B·T, C)
    for (let i = 0; i < y.data.length; i++) y.data[i] += h.data[i]; // residual: y = h + mlp(ln_2(h))
    return y;
  }

  /** Each residual passes dy straight through and adds the branch's gradient. */
  backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    const dh = this.ln_2.backward(this.mlp.backward(dy));
    for (let i = 0; i < dh.data.length; i++) dh.data[i] += dy.data[i];
    const dx = this.ln_1.backward(this.attn.backward(dh), {inputGrad});
    if (inputGrad) for (let i = 0; i < dx.data.length; i++) dx.data[i] += dh.data[i];
    return dx;
  }
}

// LoRA (Hu et al. 2021, arXiv:2106.09685), in PEFT's orientation: the frozen
// base layer keeps W0 (out × in); the adapter adds ΔW = scaling · B·A with
// A (r × in) and B (out × r), so for a batch of row vectors (eq. 3, transposed)
//   h = x·W0ᵀ + b + scaling · (dropout(x)·Aᵀ)·Bᵀ.
// One factor starts at zero (B), so ΔW = 0 and the adapted model equals the base
// model at step 0, yet B's gradient scaling · dyᵀ·(x·Aᵀ) is not zero.
import {type Matrix, axpy, matmul, matmulTransA, matmulTransB, matrix, scale} from "../matrix/index.js";
import {type Rng, fillNormal, fillUniform} from "../random.js";
import {checkInteger, checkPositive, checkRange} from "../check.js";
import {Linear} from "./linear.js";
import {type BackwardOptions, type ForwardContext, Module, cached, checkGradShape, noInputGrad} from "./module.js";
import {type Parameter, parameter} from "./parameter.js";

/**
 * How A starts (B always starts at zero):
 * - "paper": Gaussian, as §4.1 says; the paper gives no std, we use N(0, 1/in) so x·Aᵀ keeps x's scale.
 * - "peft": Kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in), loralib's and PEFT's default.
 * - "gaussian": N(0, 1/r²), i.e. std 1/r, PEFT's init_lora_weights="gaussian".
 */
export type LoRAInit = (typeof loraInits)[number];

/** Every init, in the order controls list them. */
export const loraInits = ["paper", "peft", "gaussian"] as const;

/** How ΔW is scaled: α/r as in the paper, or α/√r as in rsLoRA (arXiv:2312.03732). */
export type LoRAScaling = (typeof loraScalings)[number];

/** Both scaling rules, the paper's first. */
export const loraScalings = ["alpha/r", "alpha/sqrt-r"] as const;

/** Adapter hyperparameters, named as in PEFT's LoraConfig. */
export interface LoRAConfig {
  /** r, the rank of ΔW: 1 ≤ r ≤ min(in, out). */
  rank: number;
  /** α; scaling = α/r (or α/√r with rsLoRA). Default: α = r, i.e. scaling 1. */
  alpha?: number;
  /** Dropout probability on the adapter's input, in [0, 1). Default 0. */
  dropout?: number;
  /** How A starts; default "peft". */
  init?: LoRAInit;
  /** rsLoRA (arXiv:2312.03732): scaling = α/√r, so learning does not slow down at large r. */
  rsLoRA?: boolean;
}

/** A frozen Linear plus a trainable low-rank update; `merge()` folds it into W0. */
export class LoRALinear extends Module {
  readonly kind = "LoRALinear";
  readonly base: Linear;
  readonly rank: number;
  readonly alpha: number;
  /** Which rule gave `scaling`: stored, so readers (PEFT's use_rslora) need not infer it from floats. */
  readonly scalingRule: LoRAScaling;
  readonly scaling: number;
  readonly dropout: number;
  /** A (r × in). */
  readonly loraA: Parameter;
  /** B (out × r). */
  readonly loraB: Parameter;
  /** Draws the dropout masks; replace it (e.g. `rng(7)`) to repeat a mask. */
  dropoutRng: Rng;
  private merged = false;
  private cache?: {input: Matrix; mask: Float32Array | null; dropped: Matrix; down: Matrix};

  /** Wraps `base` (frozen here); `random` draws A's init and then the dropout masks. */
  constructor(base: Linear, config: LoRAConfig, random: Rng) {
    super();
    const {rank, alpha = rank, dropout = 0, init = "peft", rsLoRA = false} = config;
    const maxRank = Math.min(base.inFeatures, base.outFeatures);
    checkInteger("rank", rank, 1, maxRank);
    checkPositive("alpha", alpha);
    checkRange("dropout", dropout, 0, 1, {highOpen: true});
    this.base = base;
    this.rank = rank;
    this.alpha = alpha;
    this.scalingRule = rsLoRA ? "alpha/sqrt-r" : "alpha/r";
    this.scaling = rsLoRA ? alpha / Math.sqrt(rank) : alpha / rank;
    this.dropout = dropout;
    this.dropoutRng = random;
    for (const p of base.ownParameters()) p.trainable = false;

    const a = matrix(rank, base.inFeatures);
    if (init === "paper") fillNormal(random, a.data, 1 / Math.sqrt(base.inFeatures));
    else if (init === "peft") fillUniform(random, a.data, -1 / Math.sqrt(base.inFeatures), 1 / Math.sqrt(base.inFeatures));
    else if (init === "gaussian") fillNormal(random, a.data, 1 / rank);
    else throw new RangeError(`init must be "paper", "peft" or "gaussian", got ${init}`);
    this.loraA = parameter("lora_A", a);
    this.loraB = parameter("lora_B", matrix(base.outFeatures, rank));
  }

  /** Whether ΔW is currently folded into the base weight. */
  get isMerged(): boolean {
    return this.merged;
  }

  override ownParameters(): Parameter[] {
    return [this.loraA, this.loraB];
  }

  override children(): [string, Module][] {
    return [["base_layer", this.base]];
  }

  forward(x: Matrix, {training = false}: ForwardContext = {}): Matrix {
    const h = this.base.forward(x); // (B, in) @ (out, in)ᵀ + b -> (B, out); checks x's shape
    if (this.merged) {
      if (training) throw new Error("LoRALinear: cannot train while merged; call unmerge() first");
      this.cache = undefined;
      return h;
    }
    const {mask, dropped} = this.applyDropout(x, training);
    const down = matmulTransB(dropped, this.loraA.value); // (B, in) @ (r, in)ᵀ -> (B, r)
    scale(down, this.scaling, down); // scaling on the narrow (B, r) side: cheapest place
    matmulTransB(down, this.loraB.value, h, true); // (B, r) @ (out, r)ᵀ -> (B, out), += into h
    this.cache = {input: x, mask, dropped, down};
    return h;
  }

  backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    if (this.merged) return this.base.backward(dy, {inputGrad});
    const {input, mask, dropped, down} = cached(this.kind, this.cache);
    checkGradShape(this.kind, dy, input.rows, this.base.outFeatures);
    // down = scaling·x̃·Aᵀ, so dB = dyᵀ·down already carries the scaling.
    if (this.loraB.trainable) matmulTransA(dy, down, this.loraB.grad, true); // (B, out)ᵀ @ (B, r) -> (out, r), +=
    const dDown = matmul(dy, this.loraB.value); // (B, out) @ (out, r) -> (B, r)
    scale(dDown, this.scaling, dDown); // d(x̃·Aᵀ) = scaling · dy·B
    if (this.loraA.trainable) matmulTransA(dDown, dropped, this.loraA.grad, true); // (B, r)ᵀ @ (B, in) -> (r, in), +=
    const dx = this.base.backward(dy, {inputGrad}); // (B, out) @ (out, in) -> (B, in)
    if (!inputGrad) return noInputGrad(input.rows);
    if (mask) {
      const dDropped = matmul(dDown, this.loraA.value); // (B, r) @ (r, in) -> (B, in)
      for (let i = 0; i < dx.data.length; i++) dx.data[i] += dDropped.data[i] * mask[i];
    } else {
      matmul(dDown, this.loraA.value, dx, true); // (B, r) @ (r, in) -> (B, in), += into dx
    }
    return dx;
  }

  /** ΔW = scaling · B·A, (out × in): what `merge()` adds to W0. */
  deltaW(): Matrix {
    const delta = matmul(this.loraB.value, this.loraA.value); // (out, r) @ (r, in) -> (out, in)
    return scale(delta, this.scaling, delta);
  }

  /** W0 += ΔW: inference then costs one matmul, no extra latency (§4.1). */
  merge(): void {
    if (this.merged) throw new Error("LoRALinear: already merged");
    axpy(1, this.deltaW(), this.base.weight.value);
    this.merged = true;
  }

  /** W0 −= ΔW: restores the base weight (to float32 rounding) and the adapter path. */
  unmerge(): void {
    if (!this.merged) throw new Error("LoRALinear: not merged");
    axpy(-1, this.deltaW(), this.base.weight.value);
    this.merged = false;
  }

  private applyDropout(x: Matrix, training: boolean): {mask: Float32Array | null; dropped: Matrix} {
    if (!training || this.dropout === 0) return {mask: null, dropped: x};
    // Inverted dropout: kept entries are scaled by 1/(1 − p) so the expectation is x.
    const keep = 1 / (1 - this.dropout);
    const mask = new Float32Array(x.data.length);
    const dropped = matrix(x.rows, x.cols);
    for (let i = 0; i < mask.length; i++) {
      mask[i] = this.dropoutRng.random() < this.dropout ? 0 : keep;
      dropped.data[i] = x.data[i] * mask[i];
    }
    return {mask, dropped};
  }
}

// A small GPT (GPT-2's layout, nanoGPT's names for the config): token and position
// embeddings, pre-norm Transformer blocks, a final LayerNorm and a linear head.
// Input: token ids (B, T) as whole numbers in a float matrix; every activation
// inside is (B·T, C) row-major, row b·T + t for token t of sequence b. Module
// paths match the PyTorch model in scripts/fixtures/gpt_fixtures.py, so
// "blocks.0.attn.q_proj" is the same layer here, in its weights file and in PEFT.
import {type Matrix, matrix} from "../matrix/index.js";
import {type Rng, fillNormal} from "../random.js";
import {checkInteger} from "../check.js";
import {Embedding} from "./embedding.js";
import {LayerNorm} from "./layernorm.js";
import {Linear} from "./linear.js";
import {type LossResult, softmaxCrossEntropy} from "./loss.js";
import {type BackwardOptions, type ForwardContext, Module, cached, checkGradShape, noInputGrad} from "./module.js";
import {PositionEmbedding} from "./position.js";
import {Sequential} from "./sequential.js";
import {TransformerBlock} from "./transformer.js";

/** The model's shape as plain data (nanoGPT's GPTConfig, camel-cased). */
export interface GPTConfig {
  /** Number of token ids. */
  vocabSize: number;
  /** Longest context T the position table covers. */
  blockSize: number;
  /** Transformer blocks. */
  nLayer: number;
  /** Attention heads; nEmbd must be a multiple. */
  nHead: number;
  /** Width C of the residual stream. */
  nEmbd: number;
  /** With a number, the head is `score` (C -> classes) on the last token, as GPT2ForSequenceClassification; else `lm_head` (C -> vocab) on every token. */
  numClasses?: number;
}

/** Token ids (B, T) -> next-token logits (B·T, vocab), or class logits (B, classes) with `numClasses`. */
export class GPT extends Module {
  readonly kind = "GPT";
  readonly config: Readonly<GPTConfig>;
  readonly wte: Embedding;
  readonly wpe: PositionEmbedding;
  readonly blocks: Sequential;
  readonly ln_f: LayerNorm;
  /** lm_head (no bias, as GPT-2) or score (with numClasses). */
  head: Module;
  private shape?: {batch: number; T: number};

  constructor(config: GPTConfig, random: Rng) {
    super();
    const {vocabSize, blockSize, nLayer, nHead, nEmbd, numClasses} = config;
    checkInteger("vocabSize", vocabSize, 1);
    checkInteger("nLayer", nLayer, 1);
    if (numClasses !== undefined) checkInteger("numClasses", numClasses, 2);
    this.config = {...config};
    this.wte = new Embedding(vocabSize, nEmbd, random);
    this.wpe = new PositionEmbedding(blockSize, nEmbd, random);
    this.blocks = new Sequential(Array.from({length: nLayer}, () => new TransformerBlock(nEmbd, nHead, random)));
    this.ln_f = new LayerNorm(nEmbd);
    this.head = new Linear(nEmbd, numClasses ?? vocabSize, random, {bias: false});
    initializeGPT2(this, random);
  }

  /** "lm_head" or "score": the head's module name. */
  get headName(): string {
    return this.config.numClasses === undefined ? "lm_head" : "score";
  }

  override children(): [string, Module][] {
    return [["wte", this.wte], ["wpe", this.wpe], ["blocks", this.blocks], ["ln_f", this.ln_f], [this.headName, this.head]];
  }

  override setChild(name: string, module: Module): void {
    if (name !== this.headName) throw new RangeError(`GPT: only "${this.headName}" can be replaced; blocks are reached by path`);
    this.head = module;
  }

  forward(ids: Matrix, context: ForwardContext = {}): Matrix {
    const T = ids.cols, batch = ids.rows;
    checkInteger("GPT: sequence length (ids.cols)", T, 1, this.config.blockSize);
    const inner = {...context, sequenceLength: T};
    const tokens = this.wte.forward({rows: batch * T, cols: 1, data: ids.data}); // (B·T, 1) ids -> (B·T, C)
    const x = this.ln_f.forward(this.blocks.forward(this.wpe.forward(tokens, inner), inner)); // (B·T, C)
    this.shape = {batch, T};
    if (this.config.numClasses === undefined) return this.head.forward(x, inner); // (B·T, C) @ (vocab, C)ᵀ -> (B·T, vocab)
    return this.head.forward(lastTokens(x, batch, T), inner); // (B, C) @ (classes, C)ᵀ -> (B, classes)
  }

  /** Backward through head, blocks and embeddings; ids have no gradient, so dx is a (B, 0) placeholder. */
  backward(dy: Matrix, _options: BackwardOptions = {}): Matrix {
    const {batch, T} = cached(this.kind, this.shape);
    const C = this.config.nEmbd;
    let dx: Matrix;
    if (this.config.numClasses === undefined) {
      checkGradShape(this.kind, dy, batch * T, this.config.vocabSize);
      dx = this.head.backward(dy); // (B·T, vocab) @ (vocab, C) -> (B·T, C)
    } else {
      checkGradShape(this.kind, dy, batch, this.config.numClasses);
      const dLast = this.head.backward(dy); // (B, classes) @ (classes, C) -> (B, C)
      dx = matrix(batch * T, C); // only the last token of each sequence reached the head
      for (let b = 0; b < batch; b++) dx.data.set(dLast.data.subarray(b * C, (b + 1) * C), (b * T + T - 1) * C);
    }
    const dTokens = this.wpe.backward(this.blocks.backward(this.ln_f.backward(dx)));
    this.wte.backward(dTokens);
    return noInputGrad(batch);
  }
}

/** Rows b·T + T − 1 of (B·T, C): each sequence's last position -> (B, C). */
function lastTokens(x: Matrix, batch: number, T: number): Matrix {
  const C = x.cols, out = matrix(batch, C);
  for (let b = 0; b < batch; b++) out.data.set(x.data.subarray((b * T + T - 1) * C, (b * T + T) * C), b * C);
  return out;
}

/**
 * GPT-2's init (as nanoGPT's _init_weights): weights and embeddings N(0, 0.02²), biases 0,
 * and the two projections that write into the residual stream (o_proj, down_proj) scaled
 * by 1/√(2·nLayer) so the stream's variance does not grow with depth.
 */
function initializeGPT2(model: GPT, random: Rng): void {
  const residualStd = 0.02 / Math.sqrt(2 * model.config.nLayer);
  for (const [name, p] of model.namedParameters()) {
    if (name.startsWith("ln_f") || /\.ln_[12]\./.test(name)) continue; // LayerNorm keeps γ = 1, β = 0
    if (p.name === "bias") p.value.data.fill(0);
    else fillNormal(random, p.value.data, /(o_proj|down_proj)\.weight$/.test(name) ? residualStd : 0.02);
  }
}

/** Mean next-token cross-entropy of (B·T, vocab) logits against targets (B·T ids), and its gradient. */
export function languageModelLoss(logits: Matrix, targets: Int32Array | readonly number[]): LossResult {
  return softmaxCrossEntropy(logits, targets);
}

/** Options for `sampleTokens`. */
export interface SampleOptions {
  /** Tokens to append. */
  length: number;
  /** Divides the logits: < 1 sharper, > 1 flatter; default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens at each step; default: all. */
  topK?: number;
}

/** Continues `prompt` (token ids) by sampling from the model, one token at a time, seeing at most blockSize tokens. */
export function sampleTokens(model: GPT, prompt: readonly number[], random: Rng, {length, temperature = 1, topK}: SampleOptions): number[] {
  if (model.config.numClasses !== undefined) throw new Error("sampleTokens: the model has a classification head, not lm_head");
  if (prompt.length === 0) throw new RangeError("sampleTokens: the prompt must hold at least one token");
  checkInteger("length", length, 0);
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  const tokens = [...prompt];
  const V = model.config.vocabSize;
  for (let step = 0; step < length; step++) {
    const window = tokens.slice(-model.config.blockSize);
    const logits = model.forward(matrix(1, window.length, Float32Array.from(window))); // (T, vocab)
    const last = Array.from(logits.data.subarray((window.length - 1) * V, window.length * V), (z) => z / temperature);
    if (topK !== undefined && topK < V) {
      const cutoff = [...last].sort((a, b) => b - a)[topK - 1];
      for (let j = 0; j < V; j++) if (last[j] < cutoff) last[j] = -Infinity;
    }
    const max = Math.max(...last);
    const weights = last.map((z) => Math.exp(z - max));
    let u = random.random() * weights.reduce((a, b) => a + b, 0);
    let next = 0;
    while (next < V - 1 && (u -= weights[next]) > 0) next++;
    tokens.push(next);
  }
  return tokens.slice(prompt.length);
}

// Causal multi-head self-attention (Vaswani et al. 2017, §3.2; GPT-2's masked form)
// with four separate named projections, q_proj, k_proj, v_proj and o_proj: the
// names PEFT users put in target_modules, and the W_q, W_k, W_v, W_o of the LoRA
// paper's Table 5. Activations are (B·T, C) row-major; head h owns columns
// h·d … (h+1)·d − 1 of Q, K and V (d = C / heads), as in GPT-2's split_heads.
// While the wasm engine runs, the core between the projections is one call for all
// B × H heads (lib/wasm/assembly/attention.ts: heads read in place, causal half only);
// the per-head code below, with the general matmuls, is the reference it is tested against.
import {
  type AttentionShape, type Matrix, attentionBackwardWasm, attentionForwardWasm, fastKernelsActive, matmul, matmulTransA, matmulTransB, matrix
} from "../matrix/index.js";
import type {Rng} from "../random.js";
import {checkColumns, checkInteger} from "../check.js";
import {Linear} from "./linear.js";
import {type BackwardOptions, type ForwardContext, Module, cached, checkGradShape} from "./module.js";
import {checkSequenceLength} from "./position.js";

const PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj"] as const;
type Projection = (typeof PROJECTIONS)[number];

// What forward keeps for backward: the wasm kernels' padded block (lib/wasm/transformer.ts),
// or the reference path's (T, T) matrix per (sequence, head). Backward takes the path forward took.
type Probabilities = {engine: "wasm"; data: Float32Array} | {engine: "typescript"; perHead: Matrix[]};

/** softmax(Q·Kᵀ/√d + causal mask)·V per head, then o_proj; every projection is a replaceable child. */
export class CausalSelfAttention extends Module {
  readonly kind = "CausalSelfAttention";
  readonly embeddingDim: number;
  readonly heads: number;
  readonly headDim: number;
  q_proj: Module;
  k_proj: Module;
  v_proj: Module;
  o_proj: Module;
  private cache?: {shape: AttentionShape; q: Matrix; k: Matrix; v: Matrix; probabilities: Probabilities};

  constructor(embeddingDim: number, heads: number, random: Rng) {
    super();
    checkInteger("heads", heads, 1);
    checkInteger("embeddingDim", embeddingDim, heads);
    if (embeddingDim % heads !== 0) throw new RangeError(`embeddingDim (${embeddingDim}) must be a multiple of heads (${heads})`);
    this.embeddingDim = embeddingDim;
    this.heads = heads;
    this.headDim = embeddingDim / heads;
    this.q_proj = new Linear(embeddingDim, embeddingDim, random);
    this.k_proj = new Linear(embeddingDim, embeddingDim, random);
    this.v_proj = new Linear(embeddingDim, embeddingDim, random);
    this.o_proj = new Linear(embeddingDim, embeddingDim, random);
  }

  override children(): [string, Module][] {
    return PROJECTIONS.map((name) => [name, this[name]]);
  }

  override setChild(name: string, module: Module): void {
    if (!(PROJECTIONS as readonly string[]).includes(name)) {
      throw new RangeError(`${this.kind}: no submodule "${name}" (it has ${PROJECTIONS.join(", ")})`);
    }
    this[name as Projection] = module;
  }

  forward(x: Matrix, context: ForwardContext = {}): Matrix {
    checkColumns(this.kind, "input", x.cols, this.embeddingDim);
    const T = checkSequenceLength(this.kind, x.rows, context.sequenceLength);
    const q = this.q_proj.forward(x, context); // (B·T, C) @ (C, C)ᵀ -> (B·T, C)
    const k = this.k_proj.forward(x, context); // (B·T, C) @ (C, C)ᵀ -> (B·T, C)
    const v = this.v_proj.forward(x, context); // (B·T, C) @ (C, C)ᵀ -> (B·T, C)
    const merged = matrix(x.rows, this.embeddingDim);
    const shape = {batch: x.rows / T, T, heads: this.heads, headDim: this.headDim};
    // One wasm call for every head while the wasm engine runs; the per-head reference otherwise.
    const kept = fastKernelsActive() ? attentionForwardWasm(q.data, k.data, v.data, merged.data, shape, this.scale) : null;
    const probabilities: Probabilities = kept ? {engine: "wasm", data: kept} : {engine: "typescript", perHead: this.attend(q, k, v, merged, shape)};
    this.cache = {shape, q, k, v, probabilities};
    return this.o_proj.forward(merged, context); // (B·T, C) @ (C, C)ᵀ -> (B·T, C)
  }

  backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    const {shape, q, k, v, probabilities} = cached(this.kind, this.cache);
    checkGradShape(this.kind, dy, q.rows, this.embeddingDim);
    const dMerged = this.o_proj.backward(dy); // (B·T, C) @ (C, C) -> (B·T, C)
    const dq = matrix(q.rows, q.cols), dk = matrix(k.rows, k.cols), dv = matrix(v.rows, v.cols);
    if (probabilities.engine === "wasm") {
      // Forward found the module, and it never goes away, so this cannot fall through.
      attentionBackwardWasm(q.data, k.data, v.data, probabilities.data, dMerged.data, dq.data, dk.data, dv.data, shape, this.scale);
    } else {
      this.attendBackward(q, k, v, probabilities.perHead, dMerged, {dq, dk, dv}, shape);
    }
    // x feeds all three projections, so dx is the sum of their input gradients.
    const dx = this.q_proj.backward(dq, {inputGrad}); // (B·T, C) @ (C, C) -> (B·T, C)
    const dxK = this.k_proj.backward(dk, {inputGrad});
    const dxV = this.v_proj.backward(dv, {inputGrad});
    if (inputGrad) for (let i = 0; i < dx.data.length; i++) dx.data[i] += dxK.data[i] + dxV.data[i];
    return dx;
  }

  /** 1/√d, the scores' scale (Vaswani et al. 2017, eq. 1). */
  private get scale(): number {
    return 1 / Math.sqrt(this.headDim);
  }

  /** The reference path: each head copied out, the general matmuls, merged written in place; returns each head's P. */
  private attend(q: Matrix, k: Matrix, v: Matrix, merged: Matrix, {batch, T}: AttentionShape): Matrix[] {
    const probabilities: Matrix[] = [];
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < this.heads; h++) {
        const qh = this.head(q, b, h, T), kh = this.head(k, b, h, T), vh = this.head(v, b, h, T);
        const scores = matmulTransB(qh, kh); // (T, d) @ (T, d)ᵀ -> (T, T)
        const p = causalSoftmax(scores, this.scale);
        probabilities.push(p);
        this.scatterHead(matmul(p, vh), merged, b, h, T); // (T, T) @ (T, d) -> (T, d)
      }
    }
    return probabilities;
  }

  /** The reference path's backward: per head, dP = dOut·Vᵀ, dV = Pᵀ·dOut, dS from softmax's backward, dQ = dS·K, dK = dSᵀ·Q. */
  private attendBackward(q: Matrix, k: Matrix, v: Matrix, probabilities: Matrix[], dMerged: Matrix, into: {dq: Matrix; dk: Matrix; dv: Matrix}, {batch, T}: AttentionShape): void {
    let index = 0;
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < this.heads; h++) {
        const p = probabilities[index++];
        const qh = this.head(q, b, h, T), kh = this.head(k, b, h, T), vh = this.head(v, b, h, T);
        const dOut = this.head(dMerged, b, h, T);
        const dP = matmulTransB(dOut, vh); // (T, d) @ (T, d)ᵀ -> (T, T)
        this.scatterHead(matmulTransA(p, dOut), into.dv, b, h, T); // (T, T)ᵀ @ (T, d) -> (T, d)
        const dScores = causalSoftmaxBackward(p, dP, this.scale);
        this.scatterHead(matmul(dScores, kh), into.dq, b, h, T); // (T, T) @ (T, d) -> (T, d)
        this.scatterHead(matmulTransA(dScores, qh), into.dk, b, h, T); // (T, T)ᵀ @ (T, d) -> (T, d)
      }
    }
  }

  /** A copy of head h of sequence b: rows b·T … b·T + T − 1, columns h·d … h·d + d − 1 -> (T, d). */
  private head(m: Matrix, b: number, h: number, T: number): Matrix {
    const d = this.headDim, C = this.embeddingDim, out = matrix(T, d);
    for (let t = 0; t < T; t++) out.data.set(m.data.subarray((b * T + t) * C + h * d, (b * T + t) * C + (h + 1) * d), t * d);
    return out;
  }

  /** Writes a (T, d) head back into its place in a (B·T, C) matrix. */
  private scatterHead(part: Matrix, into: Matrix, b: number, h: number, T: number): void {
    const d = this.headDim, C = this.embeddingDim;
    for (let t = 0; t < T; t++) into.data.set(part.data.subarray(t * d, (t + 1) * d), (b * T + t) * C + h * d);
  }
}

/** Row-wise softmax of scale·scores where row t sees columns 0…t only (the rest are 0): (T, T) -> (T, T). */
export function causalSoftmax(scores: Matrix, scale: number): Matrix {
  const T = scores.rows, p = matrix(T, T);
  for (let t = 0; t < T; t++) {
    let max = -Infinity;
    for (let j = 0; j <= t; j++) max = Math.max(max, scores.data[t * T + j] * scale);
    let sum = 0;
    for (let j = 0; j <= t; j++) sum += Math.exp(scores.data[t * T + j] * scale - max);
    for (let j = 0; j <= t; j++) p.data[t * T + j] = Math.exp(scores.data[t * T + j] * scale - max) / sum;
  }
  return p;
}

/** d(scores) = scale · P ⊙ (dP − rowsum(dP ⊙ P)); masked entries have P = 0 and get 0. */
export function causalSoftmaxBackward(p: Matrix, dP: Matrix, scale: number): Matrix {
  const T = p.rows, dScores = matrix(T, T);
  for (let t = 0; t < T; t++) {
    let dot = 0;
    for (let j = 0; j <= t; j++) dot += dP.data[t * T + j] * p.data[t * T + j];
    for (let j = 0; j <= t; j++) dScores.data[t * T + j] = scale * p.data[t * T + j] * (dP.data[t * T + j] - dot);
  }
  return dScores;
}

// VeRA (Kopiczko et al. 2023, arXiv:2310.11454), as PEFT's tuners/vera computes it:
//   ΔW = Λ_b·B·Λ_d·A, h = x·W0ᵀ + b + λ_b ⊙ ((λ_d ⊙ (x̃·Aᵀ))·Bᵀ),
// with A (r × in) and B (out × r) random, frozen and shared by every adapted layer (PEFT draws
// one vera_A [r, max in] and one vera_B [max out, r] and slices A[:, :in], B[:out, :]), and per
// layer only λ_d (r) and λ_b (out) trained: r + out values instead of LoRA's r·(in + out).
// PEFT's init: λ_b = 0 (so step 0 equals the base), λ_d = d_initial = 0.1; no α scaling.
import {type Matrix, matmul, matmulTransB, matrix, sumRows} from "../matrix/index.js";
import {type Rng, fillUniform} from "../random.js";
import type {Linear} from "./linear.js";
import {type LoRAConfig, LoRALinear} from "./lora.js";
import {type BackwardOptions, type ForwardContext, cached, checkGradShape, noInputGrad} from "./module.js";
import {type Parameter, parameter} from "./parameter.js";
import type {LoRAVariant} from "./variants.js";

/** PEFT's VeraConfig default for λ_d's initial value. */
export const VERA_D_INITIAL = 0.1;

/** The frozen projection every VeRA layer of one model shares: A (r × max in), B (max out × r). */
export interface VeRAProjection {
  A: Matrix;
  B: Matrix;
}

/** Draws a projection as PEFT's _kaiming_init does: U(±1/√fan_in) for each, A first. */
export function veraProjection(rank: number, maxIn: number, maxOut: number, random: Rng): VeRAProjection {
  const A = matrix(rank, maxIn, fillUniform(random, new Float32Array(rank * maxIn), -1 / Math.sqrt(maxIn), 1 / Math.sqrt(maxIn)));
  const B = matrix(maxOut, rank, fillUniform(random, new Float32Array(maxOut * rank), -1 / Math.sqrt(rank), 1 / Math.sqrt(rank)));
  return {A, B};
}

/** A frozen Linear plus VeRA's two trained scaling vectors over the shared projection. */
export class VeRALinear extends LoRALinear {
  /** λ_b (1 × out): PEFT's vera_lambda_b. */
  readonly lambdaB: Parameter;
  /** λ_d (1 × r): PEFT's vera_lambda_d. */
  readonly lambdaD: Parameter;
  /** The shared projection (the same object in every layer of the model). */
  projection: VeRAProjection;
  private veraCache?: {input: Matrix; mask: Float32Array | null; dropped: Matrix; down: Matrix; up: Matrix; A: Matrix; B: Matrix};

  /** Wraps `base`; `projection` must be at least r × in and out × r. */
  constructor(base: Linear, config: LoRAConfig, random: Rng, projection: VeRAProjection) {
    super(base, config, random);
    this.projection = projection;
    this.loraA.trainable = false; // LoRALinear's own A and B are unused: VeRA's live in the projection
    this.loraB.trainable = false;
    this.lambdaB = parameter("vera_lambda_b", matrix(1, base.outFeatures), {weightDecay: false});
    this.lambdaD = parameter("vera_lambda_d", matrix(1, this.rank, new Float32Array(this.rank).fill(VERA_D_INITIAL)), {weightDecay: false});
  }

  override ownParameters(): Parameter[] {
    return [this.lambdaD, this.lambdaB];
  }

  /** This layer's slices A[:, :in] (r × in) and B[:out, :] (out × r) of the shared projection. */
  slices(): {A: Matrix; B: Matrix} {
    const {inFeatures: k, outFeatures: d} = this.base;
    const r = this.rank;
    const {A: sharedA, B: sharedB} = this.projection;
    const A = matrix(r, k);
    for (let i = 0; i < r; i++) A.data.set(sharedA.data.subarray(i * sharedA.cols, i * sharedA.cols + k), i * k);
    const B = matrix(d, r, sharedB.data.slice(0, d * r)); // the first d rows of a row-major (max out × r)
    return {A, B};
  }

  override forward(x: Matrix, {training = false}: ForwardContext = {}): Matrix {
    const h = this.base.forward(x); // (B, in) @ (out, in)ᵀ + b -> (B, out)
    if (this.merged) {
      if (training) throw new Error("VeRALinear: cannot train while merged; call unmerge() first");
      return h;
    }
    const {A, B} = this.slices();
    const {mask, dropped} = this.applyDropout(x, training);
    const down = matmulTransB(dropped, A); // (B, in) @ (r, in)ᵀ -> (B, r)
    const scaledDown = scaleColumns(down, this.lambdaD.value.data); // ⊙ λ_d
    const up = matmulTransB(scaledDown, B); // (B, r) @ (out, r)ᵀ -> (B, out)
    const lambdaB = this.lambdaB.value.data;
    for (let i = 0; i < h.data.length; i++) h.data[i] += lambdaB[i % h.cols] * up.data[i];
    this.veraCache = {input: x, mask, dropped, down, up, A, B};
    return h;
  }

  override backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    if (this.merged) return this.base.backward(dy, {inputGrad});
    const {input, mask, down, up, A, B} = cached(this.kind, this.veraCache);
    checkGradShape(this.kind, dy, input.rows, this.base.outFeatures);
    const dUp = scaleColumns(dy, this.lambdaB.value.data); // dL/dup = dy ⊙ λ_b
    if (this.lambdaB.trainable) sumRows(elementwise(dy, up), this.lambdaB.grad, true); // Σ_batch dy ⊙ up -> (1, out)
    const dScaledDown = matmul(dUp, B); // (B, out) @ (out, r) -> (B, r)
    if (this.lambdaD.trainable) sumRows(elementwise(dScaledDown, down), this.lambdaD.grad, true); // -> (1, r)
    const dDown = scaleColumns(dScaledDown, this.lambdaD.value.data); // ⊙ λ_d
    const dx = this.base.backward(dy, {inputGrad}); // (B, out) @ (out, in) -> (B, in)
    if (!inputGrad) return noInputGrad(input.rows);
    const dDropped = matmul(dDown, A); // (B, r) @ (r, in) -> (B, in)
    for (let i = 0; i < dx.data.length; i++) dx.data[i] += mask ? dDropped.data[i] * mask[i] : dDropped.data[i];
    return dx;
  }

  /** ΔW = Λ_b·B·Λ_d·A (out × in), as PEFT's get_delta_weight. */
  override deltaW(): Matrix {
    const {A, B} = this.slices();
    const scaledB = scaleColumns(B, this.lambdaD.value.data); // B·Λ_d, (out, r)
    const delta = matmul(scaledB, A); // (out, r) @ (r, in) -> (out, in)
    const lambdaB = this.lambdaB.value.data;
    for (let i = 0; i < delta.rows; i++) for (let j = 0; j < delta.cols; j++) delta.data[i * delta.cols + j] *= lambdaB[i];
    return delta;
  }
}

/** VeRA: PEFT's VeraConfig(r, d_initial=0.1, save_projection=True); keys vera_lambda_b [out], vera_lambda_d [r]. */
export const vera = {
  name: "vera",
  label: "VeRA",
  create(base, config, random, shared) {
    // One projection per model, grown (and redrawn) to the largest layer: layers read it at forward time.
    const key = `vera:${config.rank}`;
    let projection = shared.get(key) as VeRAProjection | undefined;
    const maxIn = Math.max(base.inFeatures, projection?.A.cols ?? 0);
    const maxOut = Math.max(base.outFeatures, projection?.B.rows ?? 0);
    if (!projection || maxIn > projection.A.cols || maxOut > projection.B.rows) {
      const grown = veraProjection(config.rank, maxIn, maxOut, random);
      if (projection) Object.assign(projection, grown); // same object: earlier layers see the new one
      else projection = grown;
      shared.set(key, projection);
    }
    return new VeRALinear(base, config, random, projection);
  },
  peftTensors: {
    keys: ["vera_lambda_b", "vera_lambda_d"],
    write: (layer) => ({vera_lambda_b: (layer as VeRALinear).lambdaB.value, vera_lambda_d: (layer as VeRALinear).lambdaD.value}),
    read(layer, tensors) {
      (layer as VeRALinear).lambdaB.value.data.set(tensors.vera_lambda_b.data);
      (layer as VeRALinear).lambdaD.value.data.set(tensors.vera_lambda_d.data);
    }
  }
} as const satisfies LoRAVariant;

function scaleColumns(m: Matrix, factors: Float32Array): Matrix {
  const out = matrix(m.rows, m.cols);
  for (let i = 0; i < m.data.length; i++) out.data[i] = m.data[i] * factors[i % m.cols];
  return out;
}

function elementwise(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i] * b.data[i];
  return out;
}

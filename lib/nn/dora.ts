// DoRA (Liu et al. 2024, arXiv:2402.09353), as PEFT's tuners/lora/dora.py computes it:
// W' = m ⊙ (W0 + s·B·A) / ‖W0 + s·B·A‖, the norm taken per output row of W (out × in),
// m (1 × out) trained. PEFT follows the paper's §4.3 and treats the norm as a constant
// in backward (`weight_norm.detach()`), so A and B get LoRA's gradients of dy ⊙ m/‖·‖;
// that is what backward does here too. m starts at ‖W0‖ (B = 0), so step 0 equals the base.
import {type Matrix, matrix, sumRows} from "../matrix/index.js";
import type {Rng} from "../random.js";
import type {Linear} from "./linear.js";
import {type LoRAConfig, LoRALinear} from "./lora.js";
import {type BackwardOptions, type ForwardContext, cached} from "./module.js";
import {type Parameter, parameter} from "./parameter.js";
import type {LoRAVariant} from "./variants.js";

/** LoRA with a trained magnitude per output row; the direction W0 + s·B·A is normalised per row. */
export class DoRALinear extends LoRALinear {
  /** m (1 × out): PEFT's lora_magnitude_vector. */
  readonly magnitude: Parameter;
  private doraCache?: {direction: Matrix; norm: Float32Array; factor: Float32Array};
  /** m / ‖W0 + ΔW‖ at merge time, so unmerge can divide it back out as PEFT does. */
  private mergedFactor?: Float32Array;

  /** Wraps `base` like LoRALinear; m starts at the row norms of W0 + s·B·A (= ‖W0‖ since B = 0). */
  constructor(base: Linear, config: LoRAConfig, random: Rng) {
    super(base, config, random);
    this.magnitude = parameter("lora_magnitude_vector", matrix(1, base.outFeatures, this.weightNorm()), {weightDecay: false});
  }

  override ownParameters(): Parameter[] {
    return [this.loraA, this.loraB, this.magnitude];
  }

  /** ‖W0 + s·B·A‖ per output row (out values): the norm PEFT detaches. */
  weightNorm(): Float32Array {
    const w = this.base.weight.value;
    const delta = super.deltaW(); // (out, r) @ (r, in) -> (out, in), times s
    const norm = new Float32Array(w.rows);
    for (let i = 0; i < w.rows; i++) {
      let sumSquares = 0;
      for (let j = 0; j < w.cols; j++) sumSquares += (w.data[i * w.cols + j] + delta.data[i * w.cols + j]) ** 2;
      norm[i] = Math.sqrt(sumSquares);
    }
    return norm;
  }

  override forward(x: Matrix, context: ForwardContext = {}): Matrix {
    const h = super.forward(x, context); // x·W0ᵀ + b + s·(x̃·Aᵀ)·Bᵀ -> (B, out)
    if (this.merged) return h;
    const norm = this.weightNorm();
    const m = this.magnitude.value.data;
    const factor = norm.map((n, j) => m[j] / n);
    const bias = this.base.bias?.value.data;
    const out = h.cols;
    const direction = matrix(h.rows, out); // x·(W0 + s·B·A)ᵀ without bias: what m/‖·‖ scales
    for (let i = 0; i < h.data.length; i++) {
      const j = i % out;
      direction.data[i] = h.data[i] - (bias ? bias[j] : 0);
      h.data[i] = factor[j] * direction.data[i] + (bias ? bias[j] : 0);
    }
    this.doraCache = {direction, norm, factor};
    return h;
  }

  override backward(dy: Matrix, options: BackwardOptions = {}): Matrix {
    if (this.merged) return super.backward(dy, options);
    const {direction, norm, factor} = cached(this.kind, this.doraCache);
    const out = dy.cols;
    const scaled = matrix(dy.rows, out); // dy ⊙ m/‖·‖: the gradient the LoRA path and W0 path see
    for (let i = 0; i < dy.data.length; i++) {
      const j = i % out;
      scaled.data[i] = dy.data[i] * factor[j];
      // dL/dm_j = Σ_b dy_bj · direction_bj / ‖·‖_j (the norm is a constant: PEFT's detach)
      if (this.magnitude.trainable) this.magnitude.grad.data[j] += (dy.data[i] * direction.data[i]) / norm[j];
    }
    const dx = super.backward(scaled, options); // A, B, dx through W0 + s·B·A; bias got Σ scaled
    const bias = this.base.bias;
    if (bias?.trainable) {
      // The bias sits outside the normalised direction, so its gradient is Σ dy, not Σ dy ⊙ factor.
      const correction = sumRows(dy);
      const already = sumRows(scaled);
      for (let j = 0; j < out; j++) bias.grad.data[j] += correction.data[j] - already.data[j];
    }
    return dx;
  }

  /** ΔW = m ⊙ (W0 + s·B·A)/‖W0 + s·B·A‖ − W0 (out × in): what merge adds. */
  override deltaW(): Matrix {
    const w = this.base.weight.value;
    const delta = super.deltaW();
    const norm = this.weightNorm();
    const m = this.magnitude.value.data;
    for (let i = 0; i < w.rows; i++) {
      for (let j = 0; j < w.cols; j++) {
        const k = i * w.cols + j;
        delta.data[k] = (m[i] / norm[i]) * (w.data[k] + delta.data[k]) - w.data[k];
      }
    }
    return delta;
  }

  /** W0 ← m ⊙ (W0 + s·B·A)/‖·‖, remembering the factor (PEFT's merge). */
  override merge(): void {
    if (this.merged) throw new Error("DoRALinear: already merged");
    const norm = this.weightNorm();
    this.mergedFactor = norm.map((n, i) => this.magnitude.value.data[i] / n);
    const delta = this.deltaW();
    const w = this.base.weight.value.data;
    for (let k = 0; k < w.length; k++) w[k] += delta.data[k];
    this.merged = true;
  }

  /** W0 ← W/factor − s·B·A (PEFT's unmerge), to float32 rounding. */
  override unmerge(): void {
    if (!this.merged || !this.mergedFactor) throw new Error("DoRALinear: not merged");
    const w = this.base.weight.value;
    const delta = super.deltaW();
    for (let i = 0; i < w.rows; i++) {
      for (let j = 0; j < w.cols; j++) w.data[i * w.cols + j] = w.data[i * w.cols + j] / this.mergedFactor[i] - delta.data[i * w.cols + j];
    }
    this.mergedFactor = undefined;
    this.merged = false;
  }
}

/** DoRA: PEFT's LoraConfig(use_dora=True); the magnitude is saved as `lora_magnitude_vector` [out]. */
export const dora = {
  name: "dora",
  label: "DoRA",
  create: (base, config, random) => new DoRALinear(base, config, random),
  peftTensors: {
    keys: ["lora_magnitude_vector"],
    write: (layer) => ({lora_magnitude_vector: (layer as DoRALinear).magnitude.value}),
    read: (layer, tensors) => (layer as DoRALinear).magnitude.value.data.set(tensors.lora_magnitude_vector.data)
  }
} as const satisfies LoRAVariant;

// Layer normalization (Ba et al. 2016) over each row: y = (x − μ)/√(σ² + ε)·γ + β.
// LayerNorm rather than RMSNorm because GPT-2 uses it and torch.nn.LayerNorm is the
// layer the PyTorch fixtures are built with (same ε = 1e-5, biased variance), so
// weights move between the two without translation. While the wasm engine runs, both
// directions take lib/wasm/assembly/layernorm.ts (float32 row sums; these loops, in
// float64, are the reference the tests hold it to).
import {type Matrix, fastKernelsActive, layerNormBackwardWasm, layerNormForwardWasm, matrix} from "../matrix/index.js";
import {checkColumns, checkInteger, checkPositive} from "../check.js";
import {type BackwardOptions, Module, cached, checkGradShape, noInputGrad} from "./module.js";
import {type Parameter, parameter} from "./parameter.js";

/** Normalizes each row of (N, C) to zero mean and unit variance, then scales by γ (weight) and shifts by β (bias). */
export class LayerNorm extends Module {
  readonly kind = "LayerNorm";
  readonly features: number;
  readonly eps: number;
  /** γ (1 × C), starts at 1. */
  readonly weight: Parameter;
  /** β (1 × C), starts at 0. */
  readonly bias: Parameter;
  private cache?: {normalized: Matrix; inverseStd: Float32Array};

  constructor(features: number, {eps = 1e-5} = {}) {
    super();
    checkInteger("features", features, 1);
    checkPositive("eps", eps);
    this.features = features;
    this.eps = eps;
    this.weight = parameter("weight", matrix(1, features, new Float32Array(features).fill(1)), {weightDecay: false});
    this.bias = parameter("bias", matrix(1, features), {weightDecay: false});
  }

  override ownParameters(): Parameter[] {
    return [this.weight, this.bias];
  }

  forward(x: Matrix): Matrix {
    const C = this.features;
    checkColumns(this.kind, "input", x.cols, C);
    const normalized = matrix(x.rows, C), y = matrix(x.rows, C);
    const inverseStd = new Float32Array(x.rows);
    const gamma = this.weight.value.data, beta = this.bias.value.data;
    this.cache = {normalized, inverseStd};
    if (fastKernelsActive() && layerNormForwardWasm(x.data, gamma, beta, normalized.data, y.data, inverseStd, this.eps)) return y;
    for (let i = 0; i < x.rows; i++) {
      const row = i * C;
      // Mean and biased variance in float64, as torch accumulates in a wider type.
      let mean = 0;
      for (let j = 0; j < C; j++) mean += x.data[row + j];
      mean /= C;
      let variance = 0;
      for (let j = 0; j < C; j++) variance += (x.data[row + j] - mean) ** 2;
      const inv = 1 / Math.sqrt(variance / C + this.eps);
      inverseStd[i] = inv;
      for (let j = 0; j < C; j++) {
        const n = (x.data[row + j] - mean) * inv;
        normalized.data[row + j] = n;
        y.data[row + j] = n * gamma[j] + beta[j];
      }
    }
    return y;
  }

  /** dx = (1/σ)·(dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂)) with dx̂ = dy ⊙ γ; dγ += Σ dy ⊙ x̂, dβ += Σ dy. */
  backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    const {normalized, inverseStd} = cached(this.kind, this.cache);
    const C = this.features, rows = normalized.rows;
    checkGradShape(this.kind, dy, rows, C);
    const gamma = this.weight.value.data;
    if (fastKernelsActive()) {
      const dx = inputGrad ? matrix(rows, C) : null;
      const grads = {dx: dx?.data ?? null, dGamma: this.weight.trainable ? this.weight.grad.data : null, dBeta: this.bias.trainable ? this.bias.grad.data : null};
      if (layerNormBackwardWasm(dy.data, normalized.data, gamma, inverseStd, grads)) return dx ?? noInputGrad(rows);
    }
    if (this.weight.trainable || this.bias.trainable) {
      const dGamma = this.weight.grad.data, dBeta = this.bias.grad.data;
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < C; j++) {
          const g = dy.data[i * C + j];
          if (this.weight.trainable) dGamma[j] += g * normalized.data[i * C + j];
          if (this.bias.trainable) dBeta[j] += g;
        }
      }
    }
    if (!inputGrad) return noInputGrad(rows);
    const dx = matrix(rows, C);
    for (let i = 0; i < rows; i++) {
      const row = i * C;
      let meanD = 0, meanDN = 0;
      for (let j = 0; j < C; j++) {
        const d = dy.data[row + j] * gamma[j];
        meanD += d;
        meanDN += d * normalized.data[row + j];
      }
      meanD /= C;
      meanDN /= C;
      for (let j = 0; j < C; j++) {
        const d = dy.data[row + j] * gamma[j];
        dx.data[row + j] = inverseStd[i] * (d - meanD - normalized.data[row + j] * meanDN);
      }
    }
    return dx;
  }
}

// A fully connected layer, stored like PyTorch and PEFT: W is (out × in), so a
// batch of row vectors maps as y = x·Wᵀ + b. Keeping PyTorch's orientation means
// LoRA's A (r × in) and B (out × r) have the shapes PEFT checkpoints have.
import {type Matrix, matmul, matmulTransA, matmulTransB, matrix, addRowVector, sumRows} from "../matrix/index.js";
import {type Rng, fillUniform} from "../random.js";
import {checkColumns, checkInteger} from "../check.js";
import {type BackwardOptions, Module, cached, checkGradShape, noInputGrad} from "./module.js";
import {type Parameter, parameter} from "./parameter.js";

/** Options for a Linear layer. */
export interface LinearOptions {
  /** Add a bias vector b (1 × out). Default true. */
  bias?: boolean;
}

/** y = x·Wᵀ + b with W (out × in); PyTorch's default init (uniform ±1/√in). */
export class Linear extends Module {
  readonly kind = "Linear";
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  private input?: Matrix;

  constructor(inFeatures: number, outFeatures: number, random: Rng, {bias = true}: LinearOptions = {}) {
    super();
    checkInteger("inFeatures", inFeatures, 1);
    checkInteger("outFeatures", outFeatures, 1);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    // kaiming_uniform_(a=√5) as in torch.nn.Linear: bound = √(6 / ((1 + a²)·in)) = 1/√in.
    const bound = 1 / Math.sqrt(inFeatures);
    const w = matrix(outFeatures, inFeatures);
    fillUniform(random, w.data, -bound, bound);
    this.weight = parameter("weight", w);
    if (bias) {
      const b = matrix(1, outFeatures);
      fillUniform(random, b.data, -bound, bound);
      // Biases are conventionally exempt from weight decay.
      this.bias = parameter("bias", b, {weightDecay: false});
    } else {
      this.bias = null;
    }
  }

  override ownParameters(): Parameter[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  forward(x: Matrix): Matrix {
    checkColumns(this.describe(), "input", x.cols, this.inFeatures);
    this.input = x;
    const y = matmulTransB(x, this.weight.value); // (B, in) @ (out, in)ᵀ -> (B, out)
    return this.bias ? addRowVector(y, this.bias.value, y) : y;
  }

  backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    const x = cached(this.describe(), this.input);
    checkGradShape(this.describe(), dy, x.rows, this.outFeatures);
    if (this.weight.trainable) {
      matmulTransA(dy, x, this.weight.grad, true); // (B, out)ᵀ @ (B, in) -> (out, in), +=
    }
    if (this.bias?.trainable) sumRows(dy, this.bias.grad, true); // (B, out) -> (1, out), +=
    if (!inputGrad) return noInputGrad(x.rows);
    return matmul(dy, this.weight.value); // (B, out) @ (out, in) -> (B, in)
  }

  /** "Linear(in=…, out=…)" for messages. */
  describe(): string {
    return `${this.kind}(in=${this.inFeatures}, out=${this.outFeatures})`;
  }
}

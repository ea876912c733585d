// Learned absolute position embeddings (GPT-2's wpe): row b·T + t of the (B·T, C)
// activations gets row t of the table added, so the same token reads differently
// at different places in the context.
import {type Matrix, matrix} from "../matrix/index.js";
import {type Rng, fillNormal} from "../random.js";
import {checkColumns, checkInteger} from "../check.js";
import {type BackwardOptions, type ForwardContext, Module, cached, checkGradShape} from "./module.js";
import {type Parameter, parameter} from "./parameter.js";

/** Adds position embeddings to (B·T, C) token embeddings; weight (blockSize × C), N(0, std²) init. */
export class PositionEmbedding extends Module {
  readonly kind = "PositionEmbedding";
  readonly blockSize: number;
  readonly embeddingDim: number;
  readonly weight: Parameter;
  private shape?: {rows: number; sequenceLength: number};

  constructor(blockSize: number, embeddingDim: number, random: Rng, {std = 0.02} = {}) {
    super();
    checkInteger("blockSize", blockSize, 1);
    checkInteger("embeddingDim", embeddingDim, 1);
    this.blockSize = blockSize;
    this.embeddingDim = embeddingDim;
    this.weight = parameter("weight", matrix(blockSize, embeddingDim, fillNormal(random, new Float32Array(blockSize * embeddingDim), std)));
  }

  override ownParameters(): Parameter[] {
    return [this.weight];
  }

  forward(x: Matrix, {sequenceLength}: ForwardContext = {}): Matrix {
    const C = this.embeddingDim;
    checkColumns(this.kind, "input", x.cols, C);
    const T = checkSequenceLength(this.kind, x.rows, sequenceLength, this.blockSize);
    const y = matrix(x.rows, C), table = this.weight.value.data;
    for (let i = 0; i < x.rows; i++) {
      const t = i % T;
      for (let j = 0; j < C; j++) y.data[i * C + j] = x.data[i * C + j] + table[t * C + j];
    }
    this.shape = {rows: x.rows, sequenceLength: T};
    return y;
  }

  /** dx = dy (an addition); the table's row t gathers dy from every sequence's position t. */
  backward(dy: Matrix, _options: BackwardOptions = {}): Matrix {
    const {rows, sequenceLength: T} = cached(this.kind, this.shape);
    const C = this.embeddingDim;
    checkGradShape(this.kind, dy, rows, C);
    if (this.weight.trainable) {
      const grad = this.weight.grad.data;
      for (let i = 0; i < rows; i++) {
        const t = i % T;
        for (let j = 0; j < C; j++) grad[t * C + j] += dy.data[i * C + j];
      }
    }
    return dy;
  }
}

/** T from the forward context: a whole number in [1, blockSize] dividing the row count B·T. */
export function checkSequenceLength(layer: string, rows: number, sequenceLength: number | undefined, blockSize = Infinity): number {
  if (sequenceLength === undefined) throw new RangeError(`${layer}: forward needs {sequenceLength: T}; activations are (B·T, C)`);
  checkInteger(`${layer}: sequenceLength`, sequenceLength, 1, blockSize);
  if (rows % sequenceLength !== 0) {
    throw new RangeError(`${layer}: ${rows} rows is not a whole number of sequences of length ${sequenceLength}`);
  }
  return sequenceLength;
}

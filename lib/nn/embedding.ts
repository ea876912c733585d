// A lookup table: each row of the input holds `context` token ids (stored as
// whole numbers in a float matrix, like every batch here), and the output row is
// their embeddings side by side, as in Bengio et al. 2003 and makemore's MLP.
import {type Matrix, matrix} from "../matrix/index.js";
import {type Rng, fillNormal} from "../random.js";
import {checkInteger} from "../check.js";
import {type BackwardOptions, Module, cached, checkGradShape, noInputGrad} from "./module.js";
import {type Parameter, parameter} from "./parameter.js";

/** Token ids (B, context) -> concatenated embeddings (B, context·dim); weight (vocab × dim), N(0, 1) init as PyTorch. */
export class Embedding extends Module {
  readonly kind = "Embedding";
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly weight: Parameter;
  private ids?: Matrix;

  constructor(numEmbeddings: number, embeddingDim: number, random: Rng) {
    super();
    checkInteger("numEmbeddings", numEmbeddings, 1);
    checkInteger("embeddingDim", embeddingDim, 1);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.weight = parameter("weight", fillNormalMatrix(random, numEmbeddings, embeddingDim));
  }

  override ownParameters(): Parameter[] {
    return [this.weight];
  }

  forward(ids: Matrix): Matrix {
    const dim = this.embeddingDim;
    const out = matrix(ids.rows, ids.cols * dim); // (B, context) -> (B, context·dim)
    for (let i = 0; i < ids.data.length; i++) {
      const id = ids.data[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.numEmbeddings) {
        throw new RangeError(`Embedding: token id at position ${i} must be a whole number in [0, ${this.numEmbeddings - 1}], got ${id}`);
      }
      out.data.set(this.weight.value.data.subarray(id * dim, (id + 1) * dim), i * dim);
    }
    this.ids = ids;
    return out;
  }

  /** Scatter-adds dy into the rows that were looked up; ids have no gradient, so dx is a placeholder. */
  backward(dy: Matrix, _options: BackwardOptions = {}): Matrix {
    const ids = cached(this.kind, this.ids);
    const dim = this.embeddingDim;
    checkGradShape(this.kind, dy, ids.rows, ids.cols * dim);
    if (this.weight.trainable) {
      const grad = this.weight.grad.data;
      for (let i = 0; i < ids.data.length; i++) {
        const row = ids.data[i] * dim;
        for (let j = 0; j < dim; j++) grad[row + j] += dy.data[i * dim + j];
      }
    }
    return noInputGrad(ids.rows);
  }
}

function fillNormalMatrix(random: Rng, rows: number, cols: number): Matrix {
  const m = matrix(rows, cols);
  fillNormal(random, m.data);
  return m;
}

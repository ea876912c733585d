// Datasets as the trainer sees them: one example per row of `inputs`, with either
// integer class targets (classification, cross-entropy) or a target matrix
// (regression, mean squared error).
import {type Matrix, matrix} from "../matrix/index.js";
import {type LossResult, meanSquaredError, softmaxCrossEntropy} from "../nn/loss.js";

/** Examples (N, features) and their targets: N class ids, or an (N, outputs) matrix. */
export interface Dataset {
  inputs: Matrix;
  targets: Int32Array | Matrix;
}

/** Throws unless inputs and targets describe the same N ≥ 1 examples; returns N. */
export function checkDataset(argument: string, data: Dataset): number {
  const n = data.inputs.rows;
  const targetCount = data.targets instanceof Int32Array ? data.targets.length : data.targets.rows;
  if (n < 1) throw new RangeError(`${argument}: inputs must have at least 1 row, got 0`);
  if (targetCount !== n) throw new RangeError(`${argument}: inputs has ${n} rows but targets has ${targetCount}`);
  return n;
}

/** Rows `indices` of m, copied into a new (indices.length, cols) matrix. */
export function gatherRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = matrix(indices.length, m.cols);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i];
    out.data.set(m.data.subarray(row * m.cols, (row + 1) * m.cols), i * m.cols);
  }
  return out;
}

/** The examples at `indices`, as a smaller dataset (a mini-batch). */
export function gatherBatch(data: Dataset, indices: ArrayLike<number>): Dataset {
  const targets = data.targets instanceof Int32Array
    ? Int32Array.from(indices, (i) => (data.targets as Int32Array)[i])
    : gatherRows(data.targets, indices);
  return {inputs: gatherRows(data.inputs, indices), targets};
}

/** Cross-entropy for class ids, mean squared error for a target matrix. */
export function datasetLoss(output: Matrix, targets: Int32Array | Matrix): LossResult {
  return targets instanceof Int32Array ? softmaxCrossEntropy(output, targets) : meanSquaredError(output, targets);
}

/** Number of rows whose argmax equals the class id. */
export function countCorrect(logits: Matrix, targets: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < logits.rows; i++) {
    let best = 0;
    for (let j = 1; j < logits.cols; j++) if (logits.data[i * logits.cols + j] > logits.data[i * logits.cols + best]) best = j;
    if (best === targets[i]) correct++;
  }
  return correct;
}

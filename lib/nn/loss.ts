// Losses return the mean loss and its gradient with respect to the model output
// together: the forward and backward of the last step of every training step.
import {type Matrix, assertSameShape, matrix} from "../matrix/index.js";

/** A loss value and dL/d(output), same shape as the output. */
export interface LossResult {
  loss: number;
  grad: Matrix;
}

/**
 * Softmax cross-entropy with integer class targets, averaged over the batch:
 * L = −(1/B) Σ log softmax(z)_{target}; dL/dz = (softmax(z) − onehot) / B.
 */
export function softmaxCrossEntropy(logits: Matrix, targets: Int32Array | readonly number[]): LossResult {
  const batch = logits.rows, classes = logits.cols;
  if (targets.length !== batch) {
    throw new RangeError(`softmaxCrossEntropy: targets has ${targets.length} entries, logits has ${batch} rows`);
  }
  const grad = matrix(batch, classes);
  let total = 0;
  for (let i = 0; i < batch; i++) {
    const target = targets[i];
    if (!Number.isInteger(target) || target < 0 || target >= classes) {
      throw new RangeError(`softmaxCrossEntropy: targets[${i}] must be a class in [0, ${classes - 1}], got ${target}`);
    }
    const row = i * classes;
    // Shift by the row max so exp never overflows; log-sum-exp in float64.
    let max = -Infinity;
    for (let j = 0; j < classes; j++) max = Math.max(max, logits.data[row + j]);
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(logits.data[row + j] - max);
    const logSum = Math.log(sum) + max;
    total += logSum - logits.data[row + target];
    for (let j = 0; j < classes; j++) grad.data[row + j] = Math.exp(logits.data[row + j] - logSum) / batch;
    grad.data[row + target] -= 1 / batch;
  }
  return {loss: total / batch, grad};
}

/** Mean squared error over all entries (PyTorch's MSELoss): L = mean((y − t)²); dL/dy = 2(y − t)/n. */
export function meanSquaredError(predictions: Matrix, targets: Matrix): LossResult {
  assertSameShape("meanSquaredError (predictions vs targets)", predictions, targets);
  const n = predictions.data.length;
  const grad = matrix(predictions.rows, predictions.cols);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const diff = predictions.data[i] - targets.data[i];
    total += diff * diff;
    grad.data[i] = (2 * diff) / n;
  }
  return {loss: total / n, grad};
}

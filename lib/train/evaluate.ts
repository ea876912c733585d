// Loss (and accuracy, for classification) of a model on a whole dataset, in
// evaluation mode (no dropout), batch by batch to bound memory.
import {checkInteger} from "../check.js";
import {Arena, withArena} from "../matrix/arena.js";
import type {Module} from "../nn/module.js";
import {type Dataset, checkDataset, countCorrect, datasetLoss, gatherBatch} from "./data.js";

/** Mean loss over the dataset; accuracy is null for regression targets. */
export interface Evaluation {
  loss: number;
  accuracy: number | null;
}

/** Evaluates without training: mean loss (and accuracy for class targets). */
export function evaluate(model: Module, data: Dataset, {batchSize = 256} = {}): Evaluation {
  const n = checkDataset("data", data);
  checkInteger("batchSize", batchSize, 1);
  let lossSum = 0, correct = 0;
  const arena = new Arena(); // each batch reuses the previous batch's buffers (lib/matrix/arena.ts)
  for (let start = 0; start < n; start += batchSize) {
    withArena(arena, () => {
      const indices = Array.from({length: Math.min(batchSize, n - start)}, (_, i) => start + i);
      const batch = start === 0 && indices.length === n ? data : gatherBatch(data, indices);
      const output = model.forward(batch.inputs, {training: false});
      // MSE means over entries and cross-entropy over rows; both weight each row equally.
      lossSum += datasetLoss(output, batch.targets).loss * indices.length;
      if (batch.targets instanceof Int32Array) correct += countCorrect(output, batch.targets);
    });
  }
  return {loss: lossSum / n, accuracy: data.targets instanceof Int32Array ? correct / n : null};
}

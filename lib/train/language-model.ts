// Next-token training and evaluation for the GPT: one step is forward, loss,
// backward, update, and returns the loss, so the caller (a loader, a worker)
// owns pacing, logging and stopping, as with the Trainer.
import {languageModelLoss} from "../nn/gpt.js";
import type {Module} from "../nn/module.js";
import {clipGradNorm} from "../optim/clip.js";
import type {Optimizer} from "../optim/optimizer.js";
import type {TokenBatch} from "./text.js";

/** One optimizer step on a batch of windows (gradient norm clipped to `clipNorm` if given); returns the batch's mean next-token loss (nats). */
export function languageModelStep(model: Module, optimizer: Optimizer, {ids, targets}: TokenBatch, {clipNorm}: {clipNorm?: number} = {}): number {
  optimizer.zeroGrad();
  const {loss, grad} = languageModelLoss(model.forward(ids, {training: true}), targets); // (B·T, vocab)
  model.backward(grad, {inputGrad: false});
  if (clipNorm !== undefined) clipGradNorm(model.trainableParameters(), clipNorm);
  optimizer.step();
  return loss;
}

/** Mean next-token loss (nats per token) over a fixed set of windows, `chunk` windows per forward pass. */
export function languageModelEvaluate(model: Module, {ids, targets}: TokenBatch, chunk = 64): number {
  const T = ids.cols;
  let total = 0;
  for (let start = 0; start < ids.rows; start += chunk) {
    const rows = Math.min(chunk, ids.rows - start);
    const part = {rows, cols: T, data: ids.data.subarray(start * T, (start + rows) * T)};
    total += rows * languageModelLoss(model.forward(part), targets.subarray(start * T, (start + rows) * T)).loss;
  }
  return total / ids.rows;
}

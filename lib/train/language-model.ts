// Next-token training and evaluation for the GPT: one step is forward, loss,
// backward, update, and returns the loss, so the caller (a loader, a worker)
// owns pacing, logging and stopping, as with the Trainer.
import {Arena, arenaOf, withArena} from "../matrix/arena.js";
import {languageModelLoss} from "../nn/gpt.js";
import type {Module} from "../nn/module.js";
import {clipGradNorm} from "../optim/clip.js";
import type {Optimizer} from "../optim/optimizer.js";
import {countCorrect} from "./data.js";
import type {TokenBatch} from "./text.js";

/** One optimizer step on a batch of windows (gradient norm clipped to `clipNorm` if given); returns the batch's mean next-token loss (nats). */
export function languageModelStep(model: Module, optimizer: Optimizer, {ids, targets}: TokenBatch, {clipNorm}: {clipNorm?: number} = {}): number {
  return withArena(arenaOf(model), () => {
    optimizer.zeroGrad();
    const {loss, grad} = languageModelLoss(model.forward(ids, {training: true}), targets); // (B·T, vocab)
    model.backward(grad, {inputGrad: false});
    if (clipNorm !== undefined) clipGradNorm(model.trainableParameters(), clipNorm);
    optimizer.step();
    return loss;
  });
}

/** Mean next-token loss (nats per token) over a fixed set of windows, `chunk` windows per forward pass. */
export function languageModelEvaluate(model: Module, batch: TokenBatch, chunk = 64): number {
  return languageModelScore(model, batch, chunk).loss;
}

/** Mean next-token loss and the fraction of tokens whose most likely prediction is the target, over a fixed set of windows. */
export function languageModelScore(model: Module, {ids, targets}: TokenBatch, chunk = 64): {loss: number; accuracy: number} {
  const T = ids.cols;
  let total = 0, correct = 0;
  const arena = new Arena(); // each chunk reuses the previous chunk's buffers (lib/matrix/arena.ts)
  for (let start = 0; start < ids.rows; start += chunk) {
    withArena(arena, () => {
      const rows = Math.min(chunk, ids.rows - start);
      const part = {rows, cols: T, data: ids.data.subarray(start * T, (start + rows) * T)};
      const logits = model.forward(part); // (rows·T, vocab)
      const chunkTargets = targets.subarray(start * T, (start + rows) * T);
      total += rows * languageModelLoss(logits, chunkTargets).loss;
      correct += countCorrect(logits, chunkTargets);
    });
  }
  return {loss: total / ids.rows, accuracy: correct / targets.length};
}

// Fitting one linear layer to a regression task, step by step: a full fine-tune
// (every entry of W = W0 + ΔW trainable) or a LoRA adapter on a frozen W0. Both
// are generators that yield after every step, so a worker can report progress
// and stop between steps while a data loader or a test simply runs them out.
import {Adam, type Dataset, Linear, LoRALinear, type Matrix, rng, sub, Trainer} from "../../index.js";

/** How long and how fast to train; the same for every run of an experiment. */
export interface FitOptions {
  /** Optimizer steps (mini-batches). */
  steps: number;
  /** Adam's learning rate. */
  lr: number;
  /** Examples per step. */
  batchSize: number;
}

/** The frozen "pretrained" layer: a bias-free Linear whose weight is a copy of W0 (out × in). */
export function pretrainedLayer(W0: Matrix): Linear {
  const layer = new Linear(W0.cols, W0.rows, rng(0), {bias: false}); // its random init is overwritten
  layer.weight.value.data.set(W0.data);
  return layer;
}

/**
 * Full fine-tune: W starts at W0 and every entry trains with Adam on mean squared
 * error. Yields after each step (1-based count); returns the layer and ΔW = W − W0.
 */
export function* fitFull(W0: Matrix, data: Dataset, {steps, lr, batchSize}: FitOptions, seed: number): Generator<number, {layer: Linear; deltaW: Matrix}> {
  const layer = pretrainedLayer(W0);
  const trainer = new Trainer({model: layer, optimizer: new Adam([layer.weight], {lr}), data, batchSize, seed});
  for (let step = 1; step <= steps; step++) {
    trainer.step();
    yield step;
  }
  return {layer, deltaW: sub(layer.weight.value, W0)}; // (out × in)
}

/**
 * LoRA at rank r on a frozen W0: α = r (scaling 1), A from PEFT's default init,
 * B = 0, Adam on A and B only. Yields after each step; returns the adapted layer.
 */
export function* fitLoRA(W0: Matrix, data: Dataset, rank: number, {steps, lr, batchSize}: FitOptions, seed: number): Generator<number, LoRALinear> {
  const layer = new LoRALinear(pretrainedLayer(W0), {rank, alpha: rank}, rng(seed));
  const trainer = new Trainer({model: layer, optimizer: new Adam([layer.loraA, layer.loraB], {lr}), data, batchSize, seed});
  for (let step = 1; step <= steps; step++) {
    trainer.step();
    yield step;
  }
  return layer;
}

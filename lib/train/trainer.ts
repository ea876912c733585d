// One training step at a time: the trainer owns the mini-batch order (seeded
// shuffles, one per epoch) and nothing else. Pacing, progress and cancelation
// belong to the caller, which calls step() as often as it likes.
import {checkInteger, checkPositive} from "../check.js";
import {arenaOf, withArena} from "../matrix/arena.js";
import type {Module} from "../nn/module.js";
import {clipGradNorm, gradNorm} from "../optim/clip.js";
import type {Optimizer} from "../optim/optimizer.js";
import {type Rng, permutation, rng} from "../random.js";
import {type Dataset, checkDataset, countCorrect, datasetLoss, gatherBatch} from "./data.js";

/** Trainer setup. */
export interface TrainerOptions {
  model: Module;
  optimizer: Optimizer;
  data: Dataset;
  /** Examples per step; the last batch of an epoch may be smaller. Default 32. */
  batchSize?: number;
  /** Seeds the shuffles, so the same seed gives the same batches. Default 0. */
  seed?: number;
  /** Clip the global gradient norm to this (> 0) before each update; default: no clipping. */
  clipNorm?: number;
  /** Report the gradient norm even without clipping (it costs a pass over every gradient). Default false. */
  reportGradNorm?: boolean;
}

/** What one step did; `accuracy` is the batch accuracy for class targets. */
export interface StepResult {
  /** 1 for the first step. */
  step: number;
  epoch: number;
  loss: number;
  /** Global gradient norm before clipping; present when clipping or with `reportGradNorm`. */
  gradNorm?: number;
  accuracy?: number;
}

/** Runs mini-batch steps: forward, loss, backward, (clip,) update. */
export class Trainer {
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly data: Dataset;
  readonly batchSize: number;
  readonly clipNorm: number | undefined;
  readonly reportGradNorm: boolean;
  private readonly size: number;
  private readonly random: Rng;
  private order: Int32Array;
  private cursor = 0;
  private steps = 0;
  private epochs = 0;

  constructor({model, optimizer, data, batchSize = 32, seed = 0, clipNorm, reportGradNorm = false}: TrainerOptions) {
    this.size = checkDataset("data", data);
    checkInteger("batchSize", batchSize, 1);
    if (clipNorm !== undefined) checkPositive("clipNorm", clipNorm);
    this.model = model;
    this.optimizer = optimizer;
    this.data = data;
    this.batchSize = batchSize;
    this.clipNorm = clipNorm;
    this.reportGradNorm = reportGradNorm;
    this.random = rng(seed);
    this.order = permutation(this.random, this.size);
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** One mini-batch step; throws if the loss or the gradient is not finite. */
  step(): StepResult {
    return withArena(arenaOf(this.model), () => this.stepInArena());
  }

  // One step, its intermediates from the model's arena (lib/matrix/arena.ts).
  private stepInArena(): StepResult {
    if (this.cursor >= this.size) {
      this.order = permutation(this.random, this.size);
      this.cursor = 0;
      this.epochs++;
    }
    const indices = this.order.subarray(this.cursor, Math.min(this.cursor + this.batchSize, this.size));
    this.cursor += indices.length;
    const step = ++this.steps;
    const batch = gatherBatch(this.data, indices);

    this.optimizer.zeroGrad();
    const output = this.model.forward(batch.inputs, {training: true});
    const {loss, grad} = datasetLoss(output, batch.targets);
    if (!Number.isFinite(loss)) this.diverged("loss", loss, step);
    this.model.backward(grad, {inputGrad: false});
    // No norm unless asked: a non-finite gradient then shows as the next step's loss.
    const params = this.optimizer.parameters;
    const norm = this.clipNorm !== undefined ? clipGradNorm(params, this.clipNorm) : this.reportGradNorm ? gradNorm(params) : undefined;
    if (norm !== undefined && !Number.isFinite(norm)) this.diverged("gradient norm", norm, step);
    this.optimizer.step();

    const result: StepResult = {step, epoch: this.epochs, loss, ...(norm !== undefined && {gradNorm: norm})};
    if (batch.targets instanceof Int32Array) result.accuracy = countCorrect(output, batch.targets) / indices.length;
    return result;
  }

  private diverged(what: string, value: number, step: number): never {
    throw new DivergenceError(
      `Training diverged at step ${step}: the ${what} is ${value}. ` +
        `Try a lower learning rate (lr is ${this.optimizer.lr})${this.clipNorm === undefined ? " or gradient clipping (clipNorm)" : ""}.`
    );
  }
}

/** Thrown by `Trainer.step` when the loss or the gradient norm is no longer finite; callers may end the run as "diverged". */
export class DivergenceError extends Error {
  override name = "DivergenceError";
}

// One fine-tuning run of the "Where to put LoRA" page, the same code in the page's
// workers and in the build-time loader: load the pretrained GPT, adapt the chosen
// matrices with LoRA (or train every weight: full fine-tuning), take `steps` Adam
// steps on the new genre's text, then measure the held-out next-character loss.
// Pacing, progress and stopping belong to the caller, which calls step() in a loop.
import {
  Adam, consecutiveWindows, GPT, type GPTConfig, injectLoRA, languageModelEvaluate, languageModelStep,
  loadModelWeights, loraLayers, type Matrix, parameterCounts, randomWindows, type Rng, rng, type TokenBatch, checkInteger, checkPositive
} from "../../index.js";

/** A run as plain data (the URL and the worker messages carry it). */
export interface WhereSetup {
  /** "lora": adapters on `targets`, base frozen; "full": every weight trains (targets and rank unused). */
  method: "lora" | "full";
  /** Module-name suffixes to adapt, as PEFT's target_modules ("q_proj", "up_proj", …). */
  targets: readonly string[];
  rank: number;
  /** Scaling α/r with α fixed across ranks. */
  alpha: number;
  lr: number;
  steps: number;
  batch: number;
  /** Characters of context per window (≤ the model's blockSize). */
  context: number;
  seed: number;
  /** Held-out windows of `context` characters for the final loss. */
  evalWindows: number;
}

/** What every run shares: the base model and the new genre's text as token ids of the base's vocabulary. */
export interface WhereAssets {
  config: GPTConfig;
  /** Pretrained weights, safetensors bytes with PyTorch names. */
  base: Uint8Array;
  train: Int32Array;
  heldOut: Int32Array;
}

/** A finished run: the held-out loss the tables compare, and what the page shows beside it. */
export interface WhereResult {
  /** Mean held-out next-character loss (nats) after training. */
  loss: number;
  trainable: number;
  /** Mean training loss of each 8-step stretch. */
  curve: {step: number; loss: number}[];
  /** Each adapter's A (r × in) by layer name, for the subspace similarity (eq. 4); empty for full fine-tuning. */
  adapters: {name: string; A: Matrix}[];
}

const CURVE_EVERY = 8;

/** Throws a RangeError naming the first setting that cannot run, so a bad URL gives a message, not NaN. */
export function checkWhereSetup(setup: WhereSetup, config: GPTConfig): void {
  if (setup.method !== "lora" && setup.method !== "full") throw new RangeError(`method must be "lora" or "full", got ${setup.method}`);
  if (setup.method === "lora") {
    if (setup.targets.length === 0) throw new RangeError("LoRA needs at least one target matrix");
    checkInteger("rank", setup.rank, 1, config.nEmbd);
    checkPositive("alpha", setup.alpha);
  }
  if (!(setup.lr > 0 && setup.lr <= 1)) throw new RangeError(`learning rate must be in (0, 1], got ${setup.lr}`);
  checkInteger("steps", setup.steps, 1, 100_000);
  checkInteger("batch", setup.batch, 1, 1024);
  checkInteger("context", setup.context, 2, config.blockSize);
  checkInteger("seed", setup.seed, 0);
  checkInteger("evalWindows", setup.evalWindows, 1);
}

/** A run in progress: `step()` until `done`, then `finish()`. */
export class WhereRun {
  readonly setup: WhereSetup;
  readonly model: GPT;
  private readonly optimizer: Adam;
  private readonly random: Rng;
  private readonly assets: WhereAssets;
  private stepsTaken = 0;
  private window = 0;
  private readonly curve: {step: number; loss: number}[] = [];

  constructor(assets: WhereAssets, setup: WhereSetup) {
    checkWhereSetup(setup, assets.config);
    this.setup = setup;
    this.assets = assets;
    // The init seed is irrelevant: every weight is overwritten by the base.
    this.model = new GPT(assets.config, rng(0));
    loadModelWeights(this.model, assets.base);
    // One stream per run: A's init first, then the batches, so a seed fixes both.
    this.random = rng(setup.seed);
    if (setup.method === "lora") {
      injectLoRA(this.model, {targetModules: setup.targets, rank: setup.rank, alpha: setup.alpha}, this.random);
    }
    this.optimizer = new Adam(this.model.trainableParameters(), {lr: setup.lr});
  }

  get done(): boolean {
    return this.stepsTaken >= this.setup.steps;
  }

  get step(): number {
    return this.stepsTaken;
  }

  /** One Adam step on a fresh random batch; returns its training loss (nats per character). */
  advance(): number {
    if (this.done) throw new Error("WhereRun: all steps are taken; call finish()");
    const {batch, context} = this.setup;
    const loss = languageModelStep(this.model, this.optimizer, randomWindows(this.assets.train, batch, context, this.random), {clipNorm: 1});
    this.stepsTaken++;
    this.window += loss;
    if (this.stepsTaken % CURVE_EVERY === 0 || this.done) {
      const span = this.stepsTaken % CURVE_EVERY || CURVE_EVERY;
      this.curve.push({step: this.stepsTaken, loss: this.window / span});
      this.window = 0;
    }
    return loss;
  }

  /** Held-out loss and the adapters; callable once training is done (or stopped early, for a partial result). */
  finish(): WhereResult {
    const loss = languageModelEvaluate(this.model, heldOutWindows(this.assets, this.setup));
    return {
      loss,
      trainable: parameterCounts(this.model).trainable,
      curve: this.curve.slice(),
      adapters: loraLayers(this.model).map(([name, layer]) => ({name, A: layer.loraA.value}))
    };
  }
}

/** The fixed held-out windows every run of a context length is measured on. */
export function heldOutWindows(assets: WhereAssets, {context, evalWindows}: Pick<WhereSetup, "context" | "evalWindows">): TokenBatch {
  return consecutiveWindows(assets.heldOut, context, evalWindows);
}

/** The base model's held-out loss on the new genre, before any fine-tuning: the line every run must get below. */
export function baseLoss(assets: WhereAssets, settings: Pick<WhereSetup, "context" | "evalWindows">): number {
  const model = new GPT(assets.config, rng(0));
  loadModelWeights(model, assets.base);
  return languageModelEvaluate(model, heldOutWindows(assets, settings));
}

/** Runs a setup to the end in one call (loaders and tests; the page's workers step it themselves). */
export function runWhere(assets: WhereAssets, setup: WhereSetup): WhereResult {
  const run = new WhereRun(assets, setup);
  while (!run.done) run.advance();
  return run.finish();
}

// The lab's GPT task: the build-time GPT (pretrained on the Brown corpus's press
// genres) adapted to the "Where to put LoRA" page's tagged romance text, with the
// same files that page downloads (no third pretraining). A step draws its windows
// from the run's one seeded stream after A's init, as WhereRun does, so a lab run
// and a Where run of the same setup take the same steps and reach the same loss.
import {
  DivergenceError, type GPTConfig, type Module, type Optimizer, type Rng, type TokenBatch, languageModelStep, randomWindows
} from "../../index.js";
import {heldOutWindows, type WhereAssets, whereDefaults} from "../where/index.js";

/** What the GPT task's files hold besides the weights and the text: the model's shape and where held-out text starts. */
export interface TextTaskInfo {
  config: GPTConfig;
  /** Ids before `split` are for training, the rest are held out. */
  split: number;
}

/** The GPT task's assets from the Where page's files: text.bin (one id a byte), base.safetensors and its info. */
export function gptAssets(textBytes: ArrayBuffer | Uint8Array, weightsBytes: ArrayBuffer | Uint8Array, {config, split}: TextTaskInfo): WhereAssets {
  const tokens = Int32Array.from(textBytes instanceof Uint8Array ? textBytes : new Uint8Array(textBytes));
  const base = weightsBytes instanceof Uint8Array ? weightsBytes : new Uint8Array(weightsBytes);
  return {config, base, train: tokens.subarray(0, split), heldOut: tokens.subarray(split)};
}

/** The held-out windows the GPT task is scored on: the Where page's (same context, same count). */
export function gptTestWindows(assets: WhereAssets): TokenBatch {
  return heldOutWindows(assets, {context: whereDefaults.context, evalWindows: whereDefaults.evalWindows});
}

/** The Trainer's role for text: `step()` trains on `batchSize` random windows of the Where page's context, gradient norm clipped to 1 as there. */
export class TextTrainer {
  readonly optimizer: Optimizer;
  private readonly model: Module;
  private readonly tokens: Int32Array;
  private readonly batchSize: number;
  private readonly random: Rng;
  private steps = 0;

  constructor({model, optimizer, tokens, batchSize, random}: {model: Module; optimizer: Optimizer; tokens: Int32Array; batchSize: number; random: Rng}) {
    this.model = model;
    this.optimizer = optimizer;
    this.tokens = tokens;
    this.batchSize = batchSize;
    this.random = random;
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** One Adam step; throws a DivergenceError once the loss is not finite (the Trainer's contract). */
  step(): {step: number; loss: number} {
    const windows = randomWindows(this.tokens, this.batchSize, whereDefaults.context, this.random); // ids (B, T), targets (B·T)
    const loss = languageModelStep(this.model, this.optimizer, windows, {clipNorm: 1});
    const step = ++this.steps;
    if (!Number.isFinite(loss)) throw new DivergenceError(`Training diverged at step ${step}: the loss is ${loss}.`);
    return {step, loss};
  }
}


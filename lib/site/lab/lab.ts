// One fine-tuning run of the lab, the same code in the page's worker and in the
// build-time loader: load the pretrained base, adapt it by the chosen method
// (LoRA, full fine-tuning or head only), train step by step, then report what the
// page compares — curves, trainable parameters, optimizer bytes, the merge check
// and ΔW's singular spectrum. Pacing and cancelation stay with the caller.
import {Adam, adapterBytes, argmaxRows, DivergenceError, clone, type Dataset, effectiveRank, evaluate, findModule, frobeniusNorm, gatherBatch, GPT, injectLoRA, languageModelScore, Linear, loadModelWeights, loraLayers, matchesModule, type Matrix, matrix, maxAbsDiff, mergeLoRA, type Module, type Optimizer, parameterCounts, replaceModule, rng, singularValues, sub, Trainer, unmergeLoRA} from "../../index.js";
import type {WhereAssets} from "../where/index.js";
import {type LabSetup, type TaskConfig, digits, isLoRAMethod, names, tasks} from "./config.js";
import {decodeDigits, digitsDataset, selectDigits} from "./digits.js";
import {gptTestWindows, TextTrainer} from "./gpt.js";
import {digitsModel, namesModel} from "./models.js";
import {sampleFromModel, splitWords, wordWindows} from "./names.js";
import {validateSetup} from "./setup.js";

/** What a run needs besides its setup: the pretrained weights and the target task's data. */
export interface TaskAssets {
  /** The pretrained base model as safetensors bytes (lib/adapters), PyTorch parameter names. */
  base: Uint8Array;
  train: Dataset;
  test: Dataset;
}

/** Digits assets from the two binary files the loader writes (the 5–9 digits and the 0–4 base). */
export function digitsAssets(digitsBytes: ArrayBuffer | Uint8Array, weightsBytes: ArrayBuffer | Uint8Array): TaskAssets {
  const set = decodeDigits(digitsBytes);
  const classes = digits.targetClasses;
  return {
    base: asBytes(weightsBytes),
    train: digitsDataset(selectDigits(set, classes, "train", digits.targetTrainPerClass), classes),
    test: digitsDataset(selectDigits(set, classes, "test"), classes)
  };
}

/** Names assets from the name list (one per line, in split order) and the English-words base. */
export function namesAssets(namesText: string, weightsBytes: ArrayBuffer | Uint8Array): TaskAssets {
  const list = namesText.split("\n").filter((w) => w !== "");
  const {train, test} = splitWords(list);
  return {base: asBytes(weightsBytes), train: wordWindows(train, names.sizes.context), test: wordWindows(test, names.sizes.context)};
}

/** A task's assets: a dataset task's, or the GPT task's text and base (the Where page's, see gptAssets). */
export type LabAssets = TaskAssets | WhereAssets;

/** True for the GPT task's assets (text to draw windows from, not a dataset). */
function isTextAssets(assets: LabAssets): assets is WhereAssets {
  return assets.train instanceof Int32Array;
}

/** What LabRun steps: the Trainer on a dataset, or the TextTrainer on the GPT's text. */
export interface LabTrainer {
  readonly optimizer: Optimizer;
  readonly stepCount: number;
  step(): {step: number; loss: number};
}

function asBytes(bytes: ArrayBuffer | Uint8Array): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
}

/** The base architecture of a task, with fresh (seeded) weights. */
export function buildModel(task: TaskConfig, seed: number): Module {
  return task.id === "digits" ? digitsModel(digits.sizes, rng(seed)) : namesModel(names.sizes, rng(seed));
}

/** One point of the training curve (the mini-batch loss). */
export interface CurvePoint {
  step: number;
  loss: number;
}

/** A test-set evaluation during the run. */
export interface EvalPoint {
  step: number;
  loss: number;
  accuracy: number;
}

/** ΔW's singular values for one layer and what they say. */
export interface Spectrum {
  layer: string;
  /** Singular values of ΔW, largest first. */
  singular: number[];
  effectiveRank: number;
  frobenius: number;
}

/** Merging LoRA into W0 must not change what the model computes (§4.1). */
export interface MergeCheck {
  /** Largest |logit_merged − logit_unmerged| over the test set. */
  maxAbsLogitDiff: number;
  /** Test examples whose predicted class is the same either way, and how many there are. */
  sameArgmax: number;
  examples: number;
}

/** What a finished (or stopped) run reports; plain data, so it crosses postMessage and JSON. */
export interface LabResult {
  setup: LabSetup;
  /** "diverged": the loss stopped being finite or grew `divergenceFactor`× past its first value; `error` then says what to try. */
  status: "done" | "stopped" | "diverged" | "error";
  error?: string;
  curve: CurvePoint[];
  evals: EvalPoint[];
  trainable: number;
  total: number;
  optimizerBytes: number;
  /** What a fine-tune must save: its trainable parameters at fp32. */
  adapterBytes: number;
  wallMs?: number;
  merge?: MergeCheck;
  spectra: Spectrum[];
  /** Names only: words sampled with the same seed before and after the run. */
  samples?: {before: string[]; after: string[]};
}

/**
 * A run whose mini-batch loss reaches this many times its first value has diverged:
 * a healthy fine-tune only lowers it (cross-entropy starts near ln(classes) ≈ 1.6–3.3),
 * while the names task at lr 5 grows 200× and full fine-tuning at lr 10 reaches 469.
 */
export const divergenceFactor = 10;

const sampleSeed = 7;
const sampleCount = 12;
// Test evaluations run every few steps; past this many rows they cost more than the steps.
const maxTestRows = 2500;

/** A run in progress: call `advance()` until `done`, then `result()`. */
export class LabRun {
  readonly setup: LabSetup;
  readonly task: TaskConfig;
  readonly model: Module;
  readonly trainer: LabTrainer;
  readonly curve: CurvePoint[] = [];
  readonly evals: EvalPoint[] = [];
  /** The test inputs the merge check runs twice: digits or letter windows (N, in), or the GPT's held-out ids (windows, T). */
  private readonly testInputs: Matrix;
  /** Test loss and accuracy of the model as it is now. */
  readonly evaluateTest: () => {loss: number; accuracy: number};
  private readonly initial = new Map<string, Matrix>();
  private readonly samplesBefore?: string[];

  /** Builds the adapted model; throws a RangeError naming the first bad field if the setup is invalid. */
  constructor(setup: LabSetup, assets: LabAssets) {
    const errors = Object.entries(validateSetup(setup));
    if (errors.length) throw new RangeError(errors.map(([field, message]) => `${field}: ${message}`).join("; "));
    this.setup = setup;
    this.task = tasks[setup.task];
    const random = rng(setup.seed);
    const model = (this.model = isTextAssets(assets) ? new GPT(assets.config, rng(setup.seed)) : buildModel(this.task, setup.seed));
    loadModelWeights(model, assets.base);
    if (this.task.newHead) replaceHead(model, this.task.head, random);
    if (isTextAssets(assets)) {
      const windows = gptTestWindows(assets);
      this.testInputs = windows.ids;
      this.evaluateTest = () => languageModelScore(model, windows); // next-character loss and accuracy
    } else {
      const test = evenSubset(assets.test, maxTestRows);
      this.testInputs = test.inputs;
      this.evaluateTest = () => {
        const {loss, accuracy} = evaluate(model, test);
        return {loss, accuracy: accuracy ?? NaN};
      };
    }
    if (this.task.id === "names") this.samplesBefore = sampleFromModel(model, names.sizes.context, sampleCount, rng(sampleSeed));

    if (isLoRAMethod(setup.method)) {
      injectLoRA(model, {
        variant: setup.method,
        targetModules: setup.targets,
        modulesToSave: this.task.newHead ? [this.task.head] : [],
        rank: setup.rank,
        alpha: setup.alpha,
        rsLoRA: setup.scaling === "alpha/sqrt-r",
        dropout: setup.dropout,
        init: setup.init
      }, random);
    } else if (setup.method === "head") {
      for (const p of model.parameters()) p.trainable = false;
      for (const p of findModule(model, this.task.head).parameters()) p.trainable = true;
    } else {
      // Full fine-tuning: keep a copy of each weight to measure ΔW = W − W0 afterwards.
      for (const layer of this.analysedLayers()) this.initial.set(layer, clone((findModule(model, layer) as Linear).weight.value));
    }
    const optimizer = new Adam(model.trainableParameters(), {lr: setup.lr});
    // The GPT draws its windows from `random`, after A's init, as the Where page's runs do (same setup, same steps).
    this.trainer = isTextAssets(assets)
      ? new TextTrainer({model, optimizer, tokens: assets.train, batchSize: setup.batchSize, random})
      : new Trainer({model, optimizer, data: assets.train, batchSize: setup.batchSize, seed: setup.seed});
    this.evals.push({step: 0, ...this.evaluateTest()});
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.trainer.stepCount;
  }

  /** Why the run diverged (and what to try), once it has; the run is then done. */
  diverged?: string;

  /** True once `setup.steps` steps have run, or the run diverged. */
  get done(): boolean {
    return this.diverged !== undefined || this.trainer.stepCount >= this.setup.steps;
  }

  /** One training step (plus a test evaluation when one is due); a diverging step sets `diverged` and ends the run. */
  advance(): {point?: CurvePoint; evaluation?: EvalPoint} {
    let step: number, loss: number;
    try {
      ({step, loss} = this.trainer.step());
    } catch (error) {
      if (!(error instanceof DivergenceError)) throw error;
      this.diverged = `${error.message.replace(/ Try .*/, "")} ${this.advice()}`;
      return {};
    }
    const point = {step, loss};
    this.curve.push(point);
    const first = this.curve[0].loss;
    if (loss >= divergenceFactor * first) {
      this.diverged = `Training diverged at step ${step}: the loss grew from ${first.toPrecision(3)} at step 1 to ${loss.toPrecision(3)} (${divergenceFactor}× or more). ${this.advice()}`;
      return {point};
    }
    if (step % this.task.evalEvery === 0 || step === this.setup.steps) {
      const evaluation = {step, ...this.evaluateTest()};
      this.evals.push(evaluation);
      return {point, evaluation};
    }
    return {point};
  }

  /** What to try after a divergence: a smaller learning rate, named. */
  private advice(): string {
    return `Try a learning rate 10× smaller (lr ${Number((this.setup.lr / 10).toPrecision(3))} instead of ${this.setup.lr}).`;
  }

  /** The report: counts, curves, spectra, and for LoRA the merge check; evaluates the last step if it was not. */
  result(status: LabResult["status"] = "done", error?: string): LabResult {
    // A diverged model's weights may be huge or NaN: no final evaluation, spectra, merge check or samples.
    if (this.diverged !== undefined && status === "done") [status, error] = ["diverged", this.diverged];
    const broken = status === "error" || status === "diverged";
    const last = this.evals[this.evals.length - 1];
    if (!broken && this.stepCount > 0 && last.step !== this.stepCount) this.evals.push({step: this.stepCount, ...this.evaluateTest()});
    const counts = parameterCounts(this.model);
    const out: LabResult = {
      setup: this.setup,
      status,
      curve: this.curve,
      evals: this.evals,
      trainable: counts.trainable,
      total: counts.total,
      optimizerBytes: this.trainer.optimizer.stateBytes(),
      adapterBytes: adapterBytes(this.model).fp32,
      spectra: broken ? [] : this.spectra()
    };
    if (error !== undefined) out.error = error;
    if (!broken && isLoRAMethod(this.setup.method)) out.merge = this.mergeCheck();
    if (this.samplesBefore) {
      out.samples = {before: this.samplesBefore, after: broken ? [] : sampleFromModel(this.model, names.sizes.context, sampleCount, rng(sampleSeed))};
    }
    return out;
  }

  /** Folds every adapter into W0 and compares the test logits with the unmerged model's; leaves it unmerged. */
  mergeCheck(): MergeCheck {
    const adapted = this.model.forward(this.testInputs); // (N, in) -> (N, classes); the GPT: (windows, T) -> (windows·T, vocab)
    const unmergedLogits = matrix(adapted.rows, adapted.cols, adapted.data.slice());
    mergeLoRA(this.model);
    const mergedLogits = this.model.forward(this.testInputs);
    unmergeLoRA(this.model);
    const a = argmaxRows(unmergedLogits), b = argmaxRows(mergedLogits);
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    return {maxAbsLogitDiff: maxAbsDiff(unmergedLogits, mergedLogits), sameArgmax: same, examples: a.length};
  }

  /** ΔW's singular values: scaling·B·A for LoRA, W − W0 for full fine-tuning; none for head only (the body does not move). */
  spectra(): Spectrum[] {
    const deltas: [string, Matrix][] = [];
    if (isLoRAMethod(this.setup.method)) {
      for (const [name, layer] of loraLayers(this.model)) deltas.push([name, layer.deltaW()]);
    } else if (this.setup.method === "full") {
      for (const [name, before] of this.initial) deltas.push([name, sub((findModule(this.model, name) as Linear).weight.value, before)]);
    }
    return deltas.map(([layer, delta]) => {
      const singular = Array.from(singularValues(delta));
      return {layer, singular, effectiveRank: effectiveRank(singular), frobenius: frobeniusNorm(delta)};
    });
  }

  /** Layers whose ΔW a full fine-tune reports: every Linear LoRA could adapt (the GPT's names are suffixes: both blocks). */
  private analysedLayers(): string[] {
    const adaptable = this.task.layers.filter((l) => !(this.task.newHead && l.name === this.task.head)).map((l) => l.name);
    return this.model.namedModules().filter(([name, module]) => module instanceof Linear && adaptable.some((t) => matchesModule(name, t))).map(([name]) => name);
  }
}

/** At most `count` rows spread evenly over the dataset (names are sorted: a prefix would be all A–C). */
function evenSubset(data: Dataset, count: number): Dataset {
  const n = data.inputs.rows;
  if (n <= count) return data;
  return gatherBatch(data, Array.from({length: count}, (_, i) => Math.floor((i * n) / count)));
}

/** A new, seeded head in place of the pretrained one (the target task's classes are new). */
function replaceHead(model: Module, head: string, random: ReturnType<typeof rng>): void {
  const old = findModule(model, head);
  if (!(old instanceof Linear)) throw new RangeError(`replaceHead: "${head}" is not a Linear layer`);
  replaceModule(model, head, new Linear(old.inFeatures, old.outFeatures, random));
}

/** Runs a whole setup synchronously (the build-time loader's way; the worker paces itself instead). */
export function runToCompletion(setup: LabSetup, assets: LabAssets): LabResult {
  const started = performance.now();
  const run = new LabRun(setup, assets);
  try {
    while (!run.done) run.advance();
  } catch (error) {
    return {...run.result("error", (error as Error).message), wallMs: performance.now() - started};
  }
  return {...run.result("done"), wallMs: performance.now() - started};
}

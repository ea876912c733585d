// The Variants page's comparison: every method on the lab's digits task (pretrained on 0–4,
// adapted to 5–9) with the same setup and step budget, plus what each forgets of the source
// task. One run is the lab's LabRun (same data, model, optimizer and evaluation) with the
// method's one difference; the loader runs them to the end, the page's workers one each.
//
// Forgetting (Biderman et al. 2024, arXiv:2405.09673, measure source-domain skill after
// fine-tuning): the adapted body under the pretrained 0–4 head, scored on held-out 0–4 digits.
// The new 5–9 head replaces the old one during fine-tuning; swapping the old head back in shows
// how much of what the body computed for 0–4 survived.
import {type Dataset, Linear, type Module, evaluate, findModule, loadModelWeights, loraPlusMultipliers, replaceModule} from "../../index.js";
import {type LabResult, LabRun, type TaskAssets, buildModel} from "../lab/lab.js";
import {type LabSetup, digits, tasks} from "../lab/config.js";
import {decodeDigits, digitsDataset} from "../lab/digits.js";

/** A method on the page: how it maps onto a lab setup, and the PEFT line that configures it. */
export interface ComparisonMethod {
  id: string;
  label: string;
  /** The lab method (a LoRA variant, or "full" for the baseline). */
  method: LabSetup["method"];
  scaling?: LabSetup["scaling"];
  /** LoRA+'s lr_B / lr_A; absent for the others. */
  loraPlusRatio?: number;
  /** The PEFT (or bitsandbytes) configuration that gives this method in PyTorch. */
  peft: string;
}

/** Every method compared, in the order charts list them; full fine-tuning is the forgetting baseline. */
export const comparisonMethods: readonly ComparisonMethod[] = [
  {id: "lora", label: "LoRA", method: "lora", peft: "LoraConfig(r=4, lora_alpha=8)"},
  {id: "rslora", label: "rsLoRA", method: "lora", scaling: "alpha/sqrt-r", peft: "LoraConfig(r=4, lora_alpha=8, use_rslora=True)"},
  // PEFT's example ratio (lora-facts.md: LoRA+ "PEFT's example uses a ratio of 16").
  {id: "loraplus", label: "LoRA+", method: "lora", loraPlusRatio: 16, peft: "create_loraplus_optimizer(model, optimizer_cls=torch.optim.Adam, lr=3e-3, loraplus_lr_ratio=16)"},
  {id: "dora", label: "DoRA", method: "dora", peft: "LoraConfig(r=4, lora_alpha=8, use_dora=True)"},
  {id: "pissa", label: "PiSSA", method: "pissa", peft: "LoraConfig(r=4, lora_alpha=8, init_lora_weights=\"pissa\")"},
  {id: "vera", label: "VeRA", method: "vera", peft: "VeraConfig(r=4, d_initial=0.1, save_projection=True)"},
  {id: "nf4", label: "LoRA, NF4 base", method: "nf4", peft: "BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type=\"nf4\") + LoraConfig(r=4, lora_alpha=8)"},
  {id: "full", label: "full fine-tuning", method: "full", peft: "(no PEFT: every weight trains)"}
];

/** What one comparison run is: a method, a rank (α fixed at the lab's 8), and the step budget. */
export interface ComparisonSpec {
  id: string;
  rank: number;
  steps: number;
  seed: number;
}

/** The lab setup behind a spec: the digits defaults with the method's one difference. */
export function comparisonSetup({id, rank, steps, seed}: ComparisonSpec): LabSetup {
  const method = comparisonMethod(id);
  return {...digits.defaults, targets: [...digits.defaults.targets], method: method.method, scaling: method.scaling ?? "alpha/r", rank, steps, seed};
}

/** The method registered as `id`; RangeError naming the known ids otherwise. */
export function comparisonMethod(id: string): ComparisonMethod {
  const found = comparisonMethods.find((m) => m.id === id);
  if (!found) throw new RangeError(`method must be one of ${comparisonMethods.map((m) => m.id).join(", ")}, got ${id}`);
  return found;
}

/** The 0–4 test digits (source task) from the loader's compact file. */
export function sourceTestSet(bytes: ArrayBuffer | Uint8Array): Dataset {
  return digitsDataset(decodeDigits(bytes), digits.sourceClasses);
}

/** A finished comparison run: the lab's report plus timing and forgetting. */
export interface ComparisonResult {
  spec: ComparisonSpec;
  label: string;
  status: LabResult["status"];
  error?: string;
  curve: LabResult["curve"];
  evals: LabResult["evals"];
  trainable: number;
  optimizerBytes: number;
  /** Mean wall time of a training step (ms), measured here. */
  stepMs: number;
  /** 5–9 test accuracy after fine-tuning. */
  targetAccuracy: number;
  /** 0–4 test accuracy of the pretrained model, and of the adapted body under the pretrained head. */
  sourceBefore: number;
  sourceAfter: number;
}

/** One comparison run, advanced step by step (the worker slices it; the loader loops). */
export class ComparisonRun {
  readonly spec: ComparisonSpec;
  readonly run: LabRun;
  private readonly source: Dataset;
  private readonly pretrained: Module;
  private readonly sourceBefore: number;
  private trainingMs = 0;

  /** Builds the lab run for `spec`; `source` is the 0–4 test set. */
  constructor(spec: ComparisonSpec, assets: TaskAssets, source: Dataset) {
    this.spec = spec;
    const method = comparisonMethod(spec.id);
    this.run = new LabRun(comparisonSetup(spec), assets);
    if (method.loraPlusRatio) loraPlusMultipliers(this.run.model, method.loraPlusRatio);
    this.source = source;
    this.pretrained = buildModel(tasks.digits, 0);
    loadModelWeights(this.pretrained, assets.base);
    this.sourceBefore = evaluate(this.pretrained, source).accuracy ?? NaN;
  }

  /** True once every step has run. */
  get done(): boolean {
    return this.run.done;
  }

  /** One training step (timed; test evaluations are not counted in the step time). */
  advance(): void {
    const started = performance.now();
    const {step, loss} = this.run.trainer.step();
    this.trainingMs += performance.now() - started;
    this.run.curve.push({step, loss});
    // The lab's own evaluation schedule, without timing it as training.
    if (step % this.run.task.evalEvery === 0 || step === this.run.setup.steps) this.run.evals.push({step, ...this.run.evaluateTest()});
  }

  /** The report; scores the source task with the pretrained head swapped in for a moment. */
  result(status: LabResult["status"] = "done", error?: string): ComparisonResult {
    const lab = this.run.result(status, error);
    const head = digits.head;
    const newHead = findModule(this.run.model, head);
    replaceModule(this.run.model, head, findModule(this.pretrained, head) as Linear);
    const sourceAfter = status === "error" ? NaN : evaluate(this.run.model, this.source).accuracy ?? NaN;
    replaceModule(this.run.model, head, newHead);
    const last = lab.evals[lab.evals.length - 1];
    return {
      spec: this.spec, label: comparisonMethod(this.spec.id).label, status, error, curve: lab.curve, evals: lab.evals,
      trainable: lab.trainable, optimizerBytes: lab.optimizerBytes, stepMs: this.trainingMs / Math.max(1, this.run.stepCount),
      targetAccuracy: last.accuracy, sourceBefore: this.sourceBefore, sourceAfter
    };
  }
}

/** Runs a spec to the end (the loader's way). */
export function runComparison(spec: ComparisonSpec, assets: TaskAssets, source: Dataset): ComparisonResult {
  const run = new ComparisonRun(spec, assets, source);
  try {
    while (!run.done) run.advance();
  } catch (error) {
    return run.result("error", (error as Error).message);
  }
  return run.result("done");
}

/** The page's default comparison: every method at the lab's rank 4 and 300 steps. */
export function defaultComparison(steps: number = digits.defaults.steps, seed = 1): ComparisonSpec[] {
  return comparisonMethods.map(({id}) => ({id, rank: digits.defaults.rank, steps, seed}));
}

/** The rank sweep: LoRA with α/r and with α/√r (rsLoRA) at each rank, α fixed at 8. */
export function rankSweep(ranks: readonly number[] = [1, 2, 4, 8, 16, 32, 64], steps: number = digits.defaults.steps, seed = 1): ComparisonSpec[] {
  return ranks.flatMap((rank) => ["lora", "rslora"].map((id) => ({id, rank, steps, seed})));
}

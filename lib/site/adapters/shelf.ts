// The Adapters page's task: one frozen digits base (the lab's 0–4 MLP) and several
// LoRA adapters, each teaching it to read the same digits seen another way
// (mirrored, upside down, rotated). All adapters share the base's head, so their
// ΔW can be switched and blended (LoraHub, arXiv:2307.13269) and served together
// in one unmerged batch — the case the paper's merge cannot batch (§4.2, §8).
import {Adam, type Adapter, argmaxRows, type Dataset, evaluate, extractAdapter, gatherRows, injectLoRA, loadModelWeights, type Matrix, matrix, MLP, type Module, rng, Trainer} from "../../index.js";
import {type DigitSet, digits, digitsDataset, digitsModel, selectDigits} from "../lab/index.js";

/** The ways a digit is shown: the base's own (upright) and the adapters' tasks. */
export type DigitView = "upright" | "mirrored" | "flipped" | "rot90" | "rot180";

/** Each view as the source pixel (row, col) of output pixel (r, c) in a side × side image. */
export const digitViews: Record<DigitView, {title: string; source: (r: number, c: number, side: number) => [number, number]}> = {
  upright: {title: "upright", source: (r, c) => [r, c]},
  mirrored: {title: "mirrored (left ↔ right)", source: (r, c, n) => [r, n - 1 - c]},
  flipped: {title: "upside down", source: (r, c, n) => [n - 1 - r, c]},
  rot90: {title: "rotated 90°", source: (r, c, n) => [n - 1 - c, r]}, // clockwise
  rot180: {title: "rotated 180°", source: (r, c, n) => [n - 1 - r, n - 1 - c]}
};

/** The page's adapters and how they are trained (every number carries its reason). */
export const adapterShelf = {
  // Three pixel permutations of the same 0–4 task: the base's head (and its classes)
  // stays valid, so no adapter needs modules_to_save and any two can be blended.
  // Inverting the ink (1 − x) was tried and dropped: undoing it needs ΔW ≈ −2·W0 in
  // the first layer (full rank), and r = 4 reaches only ~55%.
  views: ["mirrored", "flipped", "rot90"] as DigitView[],
  // Never trained on: rotated 180° = mirrored ∘ upside down, LoraHub's "unseen task".
  heldOut: "rot180" as DigitView,
  classes: digits.sourceClasses,
  chance: 1 / digits.sourceClasses.length, // guessing one of the base's 5 classes: the charts' floor
  // The lab's LoRA defaults (r = 4 on both hidden layers, α = 8), head frozen and shared.
  lora: {targets: ["layers.0", "layers.2"], rank: 4, alpha: 8, init: "peft" as const},
  trainPerClass: 200, // 1,000 digits per adapter: ~94% on its view in ~0.5 s of build
  steps: 400,
  batchSize: 64,
  lr: 3e-3,
  seed: 1,
  // The blend lines the page charts (shelf indices into `views`): mirrored ↔ upside down is
  // the natural guess for the held-out half turn; the other two pairs are its controls.
  blendPairs: [[0, 1], [0, 2], [1, 2]] as [number, number][],
  // t = 0, 0.05, …, 1: the page's slider steps by 0.05, so every slider value is a point of the line.
  blendPoints: 21
};

/** Every view in display order: the base's own first, the held-out one last. */
export const allViews: DigitView[] = ["upright", ...adapterShelf.views, adapterShelf.heldOut];

/** The digits of `set` as seen in `view` (a pixel permutation; labels and split unchanged). */
export function viewDigits(set: DigitSet, view: DigitView): DigitSet {
  const {side} = set, size = side * side, source = digitViews[view].source;
  const map = new Int32Array(size);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const [sr, sc] = source(r, c, side);
      map[r * side + c] = sr * side + sc;
    }
  }
  const pixels = new Uint8Array(set.pixels.length);
  for (let image = 0; image < set.labels.length; image++) {
    const at = image * size;
    for (let i = 0; i < size; i++) pixels[at + i] = set.pixels[at + map[i]];
  }
  return {...set, pixels};
}

/** The 0–4 digits of one split, in one view, as a dataset (classes 0..4). */
export function viewDataset(set: DigitSet, view: DigitView, split: "train" | "test", perClass = Infinity): Dataset & {targets: Int32Array} {
  const classes = adapterShelf.classes;
  return digitsDataset(viewDigits(selectDigits(set, classes, split, perClass), view), classes);
}

/** The digits base (196 → 128 → 64 → 5) with its weights read from safetensors bytes. */
export function digitsBase(weights: Uint8Array): MLP {
  const model = digitsModel(digits.sizes, rng(0));
  loadModelWeights(model, weights);
  return model;
}

/** Trains one adapter on `train` from the base weights; returns it with the loss curve. */
export function trainViewAdapter(weights: Uint8Array, train: Dataset, seed = adapterShelf.seed): {adapter: Adapter; losses: number[]} {
  const {lora, steps, batchSize, lr} = adapterShelf;
  const model = digitsBase(weights);
  injectLoRA(model, {targetModules: lora.targets, rank: lora.rank, alpha: lora.alpha, init: lora.init}, rng(seed));
  const trainer = new Trainer({model, optimizer: new Adam(model.trainableParameters(), {lr}), data: train, batchSize, seed});
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(trainer.step().loss);
  return {adapter: extractAdapter(model), losses};
}

/** Test accuracy (0..1) of the model as it is. */
export function accuracyOn(model: Module, data: Dataset): number {
  return evaluate(model, data).accuracy ?? NaN;
}

/** Logits of the first `count` rows, as plain arrays (what the page prints next to PyTorch's). */
export function firstLogits(model: Module, data: Dataset, count: number): number[][] {
  const rows = Array.from({length: Math.min(count, data.inputs.rows)}, (_, i) => i);
  const logits = model.forward(gatherRows(data.inputs, rows));
  return rows.map((i) => Array.from(logits.data.subarray(i * logits.cols, (i + 1) * logits.cols)));
}

/** Predicted class of every row. */
export function predictions(model: Module, inputs: Matrix): Int32Array {
  return argmaxRows(model.forward(inputs));
}

/** A mixed batch of `rows` examples: row i comes from dataset i mod n and is assigned adapter i mod n. */
export function interleavedRows(datasets: readonly Dataset[], rows: number): {inputs: Matrix; assignment: Int32Array} {
  const cols = datasets[0].inputs.cols;
  const inputs = matrix(rows, cols);
  const assignment = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const group = row % datasets.length;
    const source = datasets[group].inputs;
    const at = Math.floor(row / datasets.length) % source.rows;
    inputs.data.set(source.data.subarray(at * cols, (at + 1) * cols), row * cols);
    assignment[row] = group;
  }
  return {inputs, assignment};
}

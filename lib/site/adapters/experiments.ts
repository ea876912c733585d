// The Adapters page's two experiments, written once for the build-time loader and the
// page's worker: the blend line (accuracy on every view along w = (1 − t, t) between
// two adapters, LoraHub's question for an unseen view) and the serving timing (one
// merged adapter vs per-row unmerged adapters vs switching per group, §4.2's
// batching limitation). Each is a generator that yields progress and returns its result.
import {type Adapter, adapterDeltas, baseWeights, blendAdapters, type Dataset, gatherRows, type Matrix, maxAbsDiff, type MLP, mixedAdapterForward, readPeftAdapter, setDelta} from "../../index.js";
import {type DigitSet, decodeDigits} from "../lab/index.js";
import {accuracyOn, adapterShelf, allViews, type DigitView, digitsBase, interleavedRows, viewDataset} from "./shelf.js";

/** The shelf as the experiments use it: the base model, its W0, the adapters in shelf order, the test digits of every view. */
export interface ShelfModels {
  model: MLP;
  w0: Map<string, Matrix>;
  adapters: Adapter[];
  tests: Record<DigitView, Dataset>;
}

/** The page's files: the base (safetensors), digits.bin, and each shelf adapter's PEFT files in shelf order. */
export interface ShelfFiles {
  base: Uint8Array;
  digits: ArrayBuffer | Uint8Array;
  adapters: {weights: Uint8Array; config: string}[];
}

/** Progress of either experiment: units of work done out of `total`. */
export interface ShelfProgress {
  done: number;
  total: number;
}

/** Accuracy (0..1) on every view at one point of a blend line. */
export interface BlendPoint {
  t: number;
  accuracy: Record<DigitView, number>;
}

/** Medians in ms per batch of the three ways to serve a mixed batch, and how far unmerged rows are from their own adapter merged. */
export interface ServingTiming {
  rows: number;
  repeats: number;
  inner: number;
  maxDiff: number;
  median: {merged: number; unmerged: number; switching: number};
}

/** The test digits 0–4 of `set` in every view. */
export function viewTests(set: DigitSet): Record<DigitView, Dataset> {
  return Object.fromEntries(allViews.map((view) => [view, viewDataset(set, view, "test")])) as Record<DigitView, Dataset>;
}

/** Decodes the page's files into the models the experiments run on. */
export function loadShelf({base, digits, adapters}: ShelfFiles): ShelfModels {
  if (adapters.length !== adapterShelf.views.length) throw new Error(`expected ${adapterShelf.views.length} adapters (${adapterShelf.views.join(", ")}), got ${adapters.length}`);
  const model = digitsBase(base);
  return {model, w0: baseWeights(model), adapters: adapters.map((files) => readPeftAdapter(files)), tests: viewTests(decodeDigits(digits))};
}

/** Accuracy on every view of W0 + Σ wᵢ·ΔWᵢ (product-wise, PEFT's "cat"); leaves that blend merged in the model. */
export function blendAccuracy({model, w0, adapters, tests}: ShelfModels, weights: readonly number[]): Record<DigitView, number> {
  setDelta(model, w0, blendAdapters(adapters, weights));
  return Object.fromEntries(allViews.map((view) => [view, accuracyOn(model, tests[view])])) as Record<DigitView, number>;
}

/** Weights (1 − t) on adapter `pair[0]` and t on `pair[1]`, 0 on every other of `count`. */
export function pairWeights(count: number, [a, b]: readonly [number, number], t: number): number[] {
  return Array.from({length: count}, (_, i) => (i === a ? 1 - t : 0) + (i === b ? t : 0));
}

/** The blend line between adapters `pair` (shelf indices) at `points` evenly spaced t in [0, 1]; yields after each blend. */
export function* blendLine(shelf: ShelfModels, pair: readonly [number, number], points: number): Generator<ShelfProgress, BlendPoint[]> {
  const count = shelf.adapters.length;
  if (!pair.every((i) => Number.isInteger(i) && i >= 0 && i < count) || pair[0] === pair[1]) throw new Error(`a blend needs two different adapters among 0..${count - 1}, got [${pair.join(", ")}]`);
  if (!Number.isInteger(points) || points < 2 || points > 101) throw new Error(`points must be a whole number from 2 to 101, got ${points}`);
  const line: BlendPoint[] = [];
  for (let k = 0; k < points; k++) {
    const t = k / (points - 1);
    line.push({t, accuracy: blendAccuracy(shelf, pairWeights(count, pair, t))});
    yield {done: k + 1, total: points};
  }
  setDelta(shelf.model, shelf.w0, {});
  return line;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Times a batch of `rows` rows cycling through the shelf's adapters, served three ways,
 * `repeats` times each (interleaved, so a slow moment hits every path alike); yields
 * after each repeat. `clock` is the caller's milliseconds (lib reads no clock itself).
 */
export function* servingTiming({model, w0, adapters, tests}: ShelfModels, {rows, repeats, clock}: {rows: number; repeats: number; clock: () => number}): Generator<ShelfProgress, ServingTiming> {
  if (!Number.isInteger(rows) || rows < adapters.length || rows > 4096) throw new Error(`rows must be a whole number from ${adapters.length} to 4096, got ${rows}`);
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 101) throw new Error(`repeats must be a whole number from 1 to 101, got ${repeats}`);
  const deltas = adapters.map(adapterDeltas);
  const {inputs, assignment} = interleavedRows(adapterShelf.views.map((view) => tests[view]), rows);
  const groups = adapters.map((_, i) => Int32Array.from(assignment.keys()).filter((row) => assignment[row] === i));
  const groupInputs = groups.map((group) => gatherRows(inputs, group));
  // Correctness first: each row's unmerged output equals its own adapter merged.
  setDelta(model, w0, {});
  const mixed = mixedAdapterForward(model, inputs, adapters, assignment); // (rows, 5)
  let maxDiff = 0;
  groups.forEach((group, i) => {
    setDelta(model, w0, deltas[i]);
    maxDiff = Math.max(maxDiff, maxAbsDiff(gatherRows(mixed, group), model.forward(groupInputs[i])));
  });
  // Browsers coarsen their clocks (to 0.1 ms or worse), so each sample times `inner` passes, ≥ ~15 ms in all.
  setDelta(model, w0, deltas[0]);
  for (let i = 0; i < 5; i++) model.forward(inputs); // warm up (JIT, WebAssembly memory growth)
  const warm = clock();
  for (let i = 0; i < 5; i++) model.forward(inputs);
  const inner = Math.max(1, Math.ceil(15 / Math.max((clock() - warm) / 5, 0.01)));
  const sample = (run: () => void) => {
    const start = clock();
    for (let i = 0; i < inner; i++) run();
    return (clock() - start) / inner;
  };
  const times = {merged: [] as number[], unmerged: [] as number[], switching: [] as number[]};
  for (let repeat = 0; repeat < repeats; repeat++) {
    setDelta(model, w0, deltas[0]);
    times.merged.push(sample(() => model.forward(inputs))); // one adapter merged for every row: the paper's zero-latency case
    setDelta(model, w0, {});
    times.unmerged.push(sample(() => mixedAdapterForward(model, inputs, adapters, assignment)));
    times.switching.push(sample(() => groups.forEach((_, i) => {
      setDelta(model, w0, deltas[i]); // switch: W = W0 + s·B·A for this group's adapter
      model.forward(groupInputs[i]);
    })));
    yield {done: repeat + 1, total: repeats};
  }
  setDelta(model, w0, {});
  return {rows, repeats, inner, maxDiff, median: {merged: median(times.merged), unmerged: median(times.unmerged), switching: median(times.switching)}};
}

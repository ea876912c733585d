// The Adapters page's worker: it holds the frozen base, the adapters and the held-out
// digits in every view, and answers requests (protocol in adapters-client.js):
//   init   {files}                  -> {views, testDigits}
//   blend  {weights}                -> accuracy per view of W0 + Σ w_i·ΔW_i (LoraHub's blend)
//   grid   {pair, points}           -> accuracy per view along w = (1 − t, t) for t in [0, 1]
//   timing {rows, repeats}          -> merged vs per-example unmerged vs switch-per-group, medians in ms
import {useFastKernels, type Adapter, type MLP, adapterDeltas, baseWeights, blendAdapters, gatherRows, maxAbsDiff, mixedAdapterForward, readPeftAdapter, setDelta, type Dataset, type Matrix} from "../lib/index.js";
import {type DigitView, accuracyOn, adapterShelf, allViews, decodeDigits, digitsBase, interleavedRows, viewDataset} from "../lib/site/index.js";

// This worker wants the WebAssembly SIMD kernels (the TypeScript ones where SIMD is missing).
useFastKernels();

interface InitFiles {
  base: ArrayBuffer;
  digits: ArrayBuffer;
  adapters: {view: DigitView; weights: ArrayBuffer; config: string}[];
}

let state: {model: MLP; w0: Map<string, Matrix>; adapters: Adapter[]; tests: Record<string, Dataset>} | null = null;

function blendAccuracy(weights: readonly number[]): Record<string, number> {
  const {model, w0, adapters, tests} = state!;
  setDelta(model, w0, blendAdapters(adapters, weights));
  return Object.fromEntries(allViews.map((view) => [view, accuracyOn(model, tests[view])]));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timing({rows, repeats}: {rows: number; repeats: number}) {
  const {model, w0, adapters, tests} = state!;
  const deltas = adapters.map(adapterDeltas);
  const {inputs, assignment} = interleavedRows(adapterShelf.views.map((view) => tests[view]), rows);
  const groups = adapters.map((_, i) => Int32Array.from(assignment.keys()).filter((row) => assignment[row] === i));
  const groupInputs = groups.map((g) => gatherRows(inputs, g));
  // Correctness first: each row's unmerged output equals its own adapter merged.
  setDelta(model, w0, {});
  const mixed = mixedAdapterForward(model, inputs, adapters, assignment);
  let maxDiff = 0;
  groups.forEach((group, i) => {
    setDelta(model, w0, deltas[i]);
    maxDiff = Math.max(maxDiff, maxAbsDiff(gatherRows(mixed, group), model.forward(groupInputs[i])));
  });
  // Browsers coarsen performance.now() (to 0.1 ms or worse), so each sample times `inner` passes, ≥ ~15 ms in all.
  setDelta(model, w0, deltas[0]);
  for (let i = 0; i < 5; i++) model.forward(inputs); // warm up (JIT, WebAssembly memory growth)
  const t = performance.now();
  for (let i = 0; i < 5; i++) model.forward(inputs);
  const inner = Math.max(1, Math.ceil(15 / Math.max((performance.now() - t) / 5, 0.01)));
  const sample = (run: () => void) => {
    const start = performance.now();
    for (let i = 0; i < inner; i++) run();
    return (performance.now() - start) / inner;
  };
  const times = {merged: [] as number[], unmerged: [] as number[], switching: [] as number[]};
  for (let repeat = 0; repeat < repeats; repeat++) {
    // Interleaved, so a slow moment of the machine hits every path alike.
    setDelta(model, w0, deltas[0]);
    times.merged.push(sample(() => model.forward(inputs))); // one adapter merged for every row: the paper's zero-latency case
    setDelta(model, w0, {});
    times.unmerged.push(sample(() => mixedAdapterForward(model, inputs, adapters, assignment)));
    times.switching.push(sample(() => groups.forEach((_, i) => {
      setDelta(model, w0, deltas[i]); // switch: W = W0 + s·B·A for this group's adapter
      model.forward(groupInputs[i]);
    })));
  }
  setDelta(model, w0, {});
  return {rows, repeats, inner, maxDiff, median: {merged: median(times.merged), unmerged: median(times.unmerged), switching: median(times.switching)}};
}

function handle(type: string, payload: any): unknown {
  if (type === "init") {
    const files = payload.files as InitFiles;
    const model = digitsBase(new Uint8Array(files.base));
    const set = decodeDigits(files.digits);
    const tests = Object.fromEntries(allViews.map((view) => [view, viewDataset(set, view, "test")])); // digits.bin holds test digits only
    const adapters = files.adapters.map(({weights, config}) => readPeftAdapter({weights: new Uint8Array(weights), config}));
    state = {model, w0: baseWeights(model), adapters, tests};
    return {views: allViews, testDigits: tests.upright.inputs.rows};
  }
  if (!state) throw new Error("the adapters worker has not been given its files yet");
  if (type === "blend") return blendAccuracy(payload.weights);
  if (type === "grid") {
    const {pair: [a, b], points} = payload as {pair: [number, number]; points: number};
    return Array.from({length: points}, (_, k) => {
      const t = k / (points - 1);
      const weights = state!.adapters.map((_, i) => (i === a ? 1 - t : 0) + (i === b ? t : 0));
      return {t, accuracy: blendAccuracy(weights)};
    });
  }
  if (type === "timing") return timing(payload);
  throw new Error(`unknown request "${type}"`);
}

self.onmessage = ({data}: MessageEvent<{id: number; type: string; payload: unknown}>) => {
  try {
    self.postMessage({id: data.id, result: handle(data.type, data.payload)});
  } catch (error) {
    self.postMessage({id: data.id, error: (error as Error).message});
  }
};

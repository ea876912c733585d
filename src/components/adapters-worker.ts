// The Adapters page's worker: one experiment per run (protocol in worker-run.js,
// slicing in experiment-worker.ts). The page sends its files (the base, the test
// digits, the shelf's PEFT files) and either a blend line to compute or a serving
// timing to measure; lib's generators do the work.
import {useFastKernels} from "../_generated/lib/index.js";
import {type BlendPoint, type ServingTiming, type ShelfFiles, type ShelfProgress, blendLine, loadShelf, servingTiming} from "../_generated/lib/site/index.js";
import {serveExperiment, sliceGenerator} from "./experiment-worker.js";

// This worker wants the WebAssembly SIMD kernels (the TypeScript ones where SIMD is missing).
useFastKernels();

/** What the page sends: the files, and which experiment with its settings. */
export type AdaptersInput = {files: ShelfFiles} & ({kind: "blend"; pair: [number, number]; points: number} | {kind: "timing"; rows: number; repeats: number});

/** What `done` carries: the experiment's result, or where it stopped, or why it failed. */
export type AdaptersRunResult =
  | {status: "done"; line?: BlendPoint[]; timing?: ServingTiming}
  | {status: "stopped"; done: number; total: number}
  | {status: "error"; message: string};

serveExperiment((input: AdaptersInput) => {
  const shelf = loadShelf(input.files);
  const initial: ShelfProgress = {done: 0, total: 1};
  const finish = <Value>(name: "line" | "timing") => (status: "done" | "stopped" | "error", value: Value | undefined, {done, total}: ShelfProgress, error?: string): AdaptersRunResult =>
    status === "done" ? {status, [name]: value} : status === "error" ? {status, message: error ?? "unknown error"} : {status, done, total};
  return input.kind === "blend"
    ? sliceGenerator(blendLine(shelf, input.pair, input.points), initial, finish<BlendPoint[]>("line"))
    : sliceGenerator(servingTiming(shelf, {rows: input.rows, repeats: input.repeats, clock: () => performance.now()}), initial, finish<ServingTiming>("timing"));
});

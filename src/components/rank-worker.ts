// The "Intrinsic rank" page's worker: runs lib's rank experiment (a generator of
// progress) off the main thread, sliced by experiment-worker.ts in the protocol of
// worker-run.js, so a "stop" message is seen within one ~40 ms slice.
import {useFastKernels} from "../_generated/lib/index.js";
import {type RankProgress, type RankResults, type RankSettings, rankExperiment} from "../_generated/lib/site/index.js";
import {serveExperiment, sliceGenerator} from "./experiment-worker.js";

// This worker wants the WebAssembly SIMD kernels (the TypeScript ones where SIMD is missing).
useFastKernels();

/** What `done` carries: the results, where the run was when stopped, or why it failed. */
export type RankRunResult =
  | {status: "done"; results: RankResults; elapsedMs: number}
  | {status: "stopped"; done: number; total: number}
  | {status: "error"; message: string};

serveExperiment(({settings}: {settings: RankSettings}) => {
  const started = performance.now();
  const initial: RankProgress = {done: 0, total: 1, phase: "starting"};
  return sliceGenerator(rankExperiment(settings), initial, (status, results, {done, total}, error): RankRunResult => {
    if (status === "done" && results) return {status, results, elapsedMs: performance.now() - started};
    if (status === "error") return {status, message: error ?? "unknown error"};
    return {status: "stopped", done, total};
  });
}, {sliceMs: 40});

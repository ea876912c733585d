// The "Where to put LoRA" page's worker (protocol in worker-run.js, slicing in
// experiment-worker.ts): it receives the base weights, the task's text and its share
// of the planned runs, steps lib's WhereRun through them one after another, and
// streams each finished run's loss. The page starts one per spare core; Stop ends
// the current run early and answers with the runs finished so far.
import {type GPTConfig, useFastKernels} from "../_generated/lib/index.js";
import {type WhereAssets, type WhereSetup, WhereRun} from "../_generated/lib/site/index.js";
import {serveExperiment} from "./experiment-worker.js";

// The WebAssembly SIMD kernels, as the build-time loader uses: same kernels, same losses.
useFastKernels();

interface WhereInput {
  config: GPTConfig;
  base: ArrayBuffer;
  /** The task's text as ids, one byte each: train is [0, split), held-out [split, end). */
  text: ArrayBuffer;
  split: number;
  runs: {id: string; setup: WhereSetup}[];
}

interface Finished {
  id: string;
  loss: number;
  trainable: number;
  ms: number;
}

serveExperiment(({config, base, text, split, runs}: WhereInput) => {
  const tokens = Int32Array.from(new Uint8Array(text));
  const assets: WhereAssets = {config, base: new Uint8Array(base), train: tokens.subarray(0, split), heldOut: tokens.subarray(split)};
  const finished: Finished[] = [];
  let next = 0, sent = 0, current: WhereRun | null = null, started = 0;
  return {
    advance() {
      if (!current) ((current = new WhereRun(assets, runs[next].setup)), (started = performance.now()));
      current.advance();
      if (current.done) {
        const {loss, trainable} = current.finish();
        if (!Number.isFinite(loss)) throw new Error(`run ${runs[next].id} diverged (held-out loss ${loss}); lower the learning rate`);
        finished.push({id: runs[next].id, loss, trainable, ms: performance.now() - started});
        current = null;
        next++;
      }
      return next === runs.length;
    },
    // Only the runs finished since the last message: the page appends them.
    progress() {
      const message = {finished: finished.length, step: current?.step ?? 0, steps: runs[next]?.setup.steps ?? 1, results: finished.slice(sent)};
      sent = finished.length;
      return message;
    },
    result: (status, error) => ({status, error, results: finished})
  };
});

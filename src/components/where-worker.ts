// The "Where to put LoRA" page's worker (protocol in worker-run.js): it receives the
// base weights, the new genre's text and a list of planned runs, runs each with
// lib's WhereRun step by step, posts progress every ~30 ms and each finished run's
// loss, and answers with every result. The page starts several of these, one per
// spare core, each with its share of the plan; Stop ends the current run early.
import {type WhereAssets, type WhereSetup, WhereRun} from "../lib/site/index.js";
import type {GPTConfig} from "../lib/index.js";

interface WhereInput {
  config: GPTConfig;
  base: ArrayBuffer;
  /** The genre's text as ids: train is [0, split), held-out [split, end). */
  text: ArrayBuffer;
  split: number;
  runs: {id: string; setup: WhereSetup}[];
}

let stopRequested = false;
const channel = new MessageChannel();
let wake: (() => void) | null = null;
channel.port1.onmessage = () => wake?.();
// A message to ourselves is a zero-delay yield (setTimeout clamps to ≥ 4 ms when nested).
const yieldToEvents = () => new Promise<void>((resolve) => ((wake = resolve), channel.port2.postMessage(null)));

async function runAll({config, base, text, split, runs}: WhereInput) {
  const tokens = Int32Array.from(new Uint8Array(text));
  const assets: WhereAssets = {config, base: new Uint8Array(base), train: tokens.subarray(0, split), heldOut: tokens.subarray(split)};
  const results: {id: string; loss: number; trainable: number; steps: number; ms: number}[] = [];
  let lastYield = performance.now();
  for (const {id, setup} of runs) {
    const started = performance.now();
    const run = new WhereRun(assets, setup);
    while (!run.done && !stopRequested) {
      run.advance();
      if (performance.now() - lastYield > 30) {
        self.postMessage({type: "progress", id, step: run.step, steps: setup.steps, finished: results.length});
        await yieldToEvents();
        lastYield = performance.now();
      }
    }
    if (stopRequested) return {status: "stopped", results};
    const {loss, trainable} = run.finish();
    if (!Number.isFinite(loss)) throw new Error(`run ${id} diverged (held-out loss ${loss}); lower the learning rate`);
    results.push({id, loss, trainable, steps: run.step, ms: performance.now() - started});
    self.postMessage({type: "progress", id, step: run.step, steps: setup.steps, finished: results.length, result: results[results.length - 1]});
  }
  return {status: "done", results};
}

self.onmessage = ({data}: MessageEvent<{type: "start"; input: WhereInput} | {type: "stop"}>) => {
  if (data.type === "stop") stopRequested = true;
  else runAll(data.input).then((result) => self.postMessage({type: "done", result}), (error: Error) => self.postMessage({type: "error", message: error.message}));
};

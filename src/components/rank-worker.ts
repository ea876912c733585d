// The "Intrinsic rank" page's worker: runs lib's rank experiment off the main
// thread in the protocol of src/components/worker-run.js. It trains in slices of
// ~40 ms and returns to the event loop between them, so a "stop" message is seen
// within one slice; progress is posted once per slice.
import {type RankResults, type RankSettings, rankExperiment} from "../lib/site/index.js";

/** What `done` carries: the results, or where the run was when the reader stopped it. */
export type RankRunResult =
  | {status: "done"; results: RankResults; elapsedMs: number}
  | {status: "stopped"; done: number; total: number};

const sliceMs = 40;
let stopRequested = false;

async function run(settings: RankSettings): Promise<void> {
  const started = performance.now();
  const experiment = rankExperiment(settings);
  let progress = {done: 0, total: 1, phase: "starting"};
  for (;;) {
    const sliceEnd = performance.now() + sliceMs;
    while (performance.now() < sliceEnd) {
      const next = experiment.next();
      if (next.done) {
        const result: RankRunResult = {status: "done", results: next.value, elapsedMs: performance.now() - started};
        self.postMessage({type: "done", result});
        return;
      }
      progress = next.value;
    }
    self.postMessage({type: "progress", ...progress});
    await new Promise((resolve) => setTimeout(resolve, 0)); // let a "stop" message in
    if (stopRequested) {
      const result: RankRunResult = {status: "stopped", done: progress.done, total: progress.total};
      self.postMessage({type: "done", result});
      return;
    }
  }
}

self.onmessage = (event: MessageEvent<{type: "start"; input: {settings: RankSettings}} | {type: "stop"}>) => {
  const message = event.data;
  if (message.type === "stop") stopRequested = true;
  else run(message.input.settings).catch((error: Error) => self.postMessage({type: "error", message: error.message}));
};

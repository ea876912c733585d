// The Fine-tune lab's worker (protocol in worker-run.js): it receives a setup and
// the task's files, runs lib's LabRun step by step, streams the curves as it goes,
// and answers with the run's report. It yields to its event loop every ~30 ms so a
// "stop" message is seen between steps; a diverging run ends as status "error"
// with lib's message and the curve up to that point.
import {LabRun, type LabSetup, digitsAssets, namesAssets} from "../lib/site/index.js";

/** What the page sends: the setup and the raw task files (fetched once by the page). */
interface LabInput {
  setup: LabSetup;
  files: {data: ArrayBuffer | string; base: ArrayBuffer};
}

let stopRequested = false;

// A message to ourselves is a zero-delay yield (setTimeout clamps to ≥ 4 ms when nested).
const channel = new MessageChannel();
let wake: (() => void) | null = null;
channel.port1.onmessage = () => wake?.();
const yieldToEvents = () => new Promise<void>((resolve) => ((wake = resolve), channel.port2.postMessage(null)));

self.onmessage = async ({data}: MessageEvent<{type: "start"; input: LabInput} | {type: "stop"}>) => {
  if (data.type === "stop") {
    stopRequested = true;
    return;
  }
  const {setup, files} = data.input;
  const started = performance.now();
  let run: LabRun;
  try {
    const assets = setup.task === "digits" ? digitsAssets(files.data as ArrayBuffer, files.base) : namesAssets(files.data as string, files.base);
    run = new LabRun(setup, assets);
  } catch (error) {
    self.postMessage({type: "error", message: (error as Error).message});
    return;
  }
  let sentPoints = 0, sentEvals = 0, lastYield = performance.now();
  const progress = () => {
    self.postMessage({type: "progress", step: run.stepCount, steps: setup.steps, points: run.curve.slice(sentPoints), evals: run.evals.slice(sentEvals)});
    sentPoints = run.curve.length;
    sentEvals = run.evals.length;
  };
  progress();
  let status: "done" | "stopped" | "error" = "done", message: string | undefined;
  try {
    while (!run.done) {
      run.advance();
      if (performance.now() - lastYield > 30) {
        progress();
        await yieldToEvents();
        lastYield = performance.now();
        if (stopRequested) {
          status = "stopped";
          break;
        }
      }
    }
  } catch (error) {
    status = "error";
    message = (error as Error).message;
  }
  const result = {...run.result(status, message), wallMs: performance.now() - started};
  progress();
  self.postMessage({type: "done", result});
};

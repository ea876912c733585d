// The Fine-tune lab's worker (protocol in worker-run.js, slicing in experiment-worker.ts):
// it receives a setup and the task's files, runs lib's LabRun step by step, streams
// the new curve points as it goes and answers with the run's report. A diverging
// run ends as status "diverged" with lib's message and the curve up to that point.
import {useFastKernels} from "../_generated/lib/index.js";
import {LabRun, type LabSetup, type TextTaskInfo, digitsAssets, gptAssets, namesAssets} from "../_generated/lib/site/index.js";
import {serveExperiment} from "./experiment-worker.js";

// This worker wants the WebAssembly SIMD kernels (the TypeScript ones where SIMD is missing).
useFastKernels();

/** What the page sends: the setup and the raw task files (fetched once by the page); the GPT's text also needs its `info`. */
interface LabInput {
  setup: LabSetup;
  files: {data: ArrayBuffer | string; base: ArrayBuffer; info?: TextTaskInfo};
}

function assetsOf({task}: LabSetup, {data, base, info}: LabInput["files"]) {
  if (task === "digits") return digitsAssets(data as ArrayBuffer, base);
  if (task === "names") return namesAssets(data as string, base);
  if (!info) throw new RangeError("the GPT task needs its info (config and split) with its files");
  return gptAssets(data as ArrayBuffer, base, info);
}

serveExperiment(({setup, files}: LabInput) => {
  const started = performance.now();
  const run = new LabRun(setup, assetsOf(setup, files));
  let sentPoints = 0, sentEvals = 0;
  return {
    advance: () => (run.advance(), run.done),
    // Only what is new since the last message: the page appends.
    progress() {
      const message = {step: run.stepCount, steps: setup.steps, points: run.curve.slice(sentPoints), evals: run.evals.slice(sentEvals)};
      sentPoints = run.curve.length;
      sentEvals = run.evals.length;
      return message;
    },
    result: (status, error) => ({...run.result(status, error), wallMs: performance.now() - started})
  };
});

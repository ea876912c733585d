// The Variants page's worker, one per run so the page's runs go in parallel: lib's
// ComparisonRun (the lab's LabRun plus the method's difference and forgetting), sliced by
// experiment-worker.ts in the protocol of worker-run.js; progress carries only new points.
import {useFastKernels} from "../_generated/lib/index.js";
import {type ComparisonSpec, ComparisonRun, digitsAssets, sourceTestSet} from "../_generated/lib/site/index.js";
import {serveExperiment} from "./experiment-worker.js";

useFastKernels();

/** What the page sends: the run and the three files (5–9 digits, the 0–4 base, 0–4 test digits). */
interface VariantsInput {
  spec: ComparisonSpec;
  files: {digits: ArrayBuffer; base: ArrayBuffer; source: ArrayBuffer};
}

serveExperiment(({spec, files}: VariantsInput) => {
  const run = new ComparisonRun(spec, digitsAssets(files.digits, files.base), sourceTestSet(files.source));
  let sent = 0;
  return {
    advance: () => (run.advance(), run.done),
    progress() {
      const points = run.run.curve.slice(sent);
      sent = run.run.curve.length;
      return {id: spec.id, rank: spec.rank, step: run.run.stepCount, steps: spec.steps, points};
    },
    result: (status, error) => run.result(status, error)
  };
});

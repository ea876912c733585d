// Build-time side of the Variants page, in one process: the digits base pretrained on 0–4
// (the same seeded function the lab's loader runs, so the same weights), every compared
// method and the α/r vs α/√r rank sweep run to the end with the code the page's workers run,
// NF4's error on the base's real weights, and the merge-into-NF4 measurement.
// Members: results.json, source.bin (held-out 0–4 digits, for forgetting in live reruns).
import {NF4_BLOCK, dequantizeNF4, frobeniusNorm, loadModelWeights, matrix, nf4Bytes, quantizeNF4, rng, useFastKernels, writeModelWeights, type Linear} from "../../lib/index.js";
import {
  buildModel, concatDigits, defaultComparison, digits, digitsAssets, encodeDigits, nf4MergeExamples, nf4MergeSweep, pretrainDigits, rankSweep,
  runComparison, selectDigits, sourceTestSet, tasks
} from "../../lib/site/index.js";
import {readMnist} from "./lab-sources.js";
import {tar} from "./lab-tar.js";

useFastKernels();
const started = performance.now();
const set = readMnist();
const base = pretrainDigits(set);
const weights = writeModelWeights(base.model);
const assets = digitsAssets(encodeDigits(concatDigits([
  selectDigits(set, digits.targetClasses, "train", digits.targetTrainPerClass),
  selectDigits(set, digits.targetClasses, "test")
])), weights);
// 100 held-out digits per source class: enough to see a few points of forgetting, small to ship.
const sourceBytes = encodeDigits(selectDigits(set, digits.sourceClasses, "test", 100));
const source = sourceTestSet(sourceBytes);

const comparison = defaultComparison().map((spec) => runComparison(spec, assets, source));
const sweep = rankSweep().map((spec) => runComparison(spec, assets, source));

// NF4 on the base's real weights: the error each layer's W0 takes when stored in 4 bits.
const model = buildModel(tasks.digits, 0);
loadModelWeights(model, weights);
const layers = ["layers.0", "layers.2", "layers.4"].map((name) => {
  const w = (model.namedModules().find(([n]) => n === name)![1] as Linear).weight.value;
  const q = quantizeNF4(w.data);
  const back = matrix(w.rows, w.cols, dequantizeNF4(q));
  const error = matrix(w.rows, w.cols, w.data.map((v, i) => v - back.data[i]));
  return {name, rows: w.rows, cols: w.cols, relativeError: frobeniusNorm(error) / frobeniusNorm(w), fp32Bytes: 4 * w.data.length, nf4Bytes: nf4Bytes(q), blockSize: NF4_BLOCK};
});
const first = (model.namedModules().find(([n]) => n === "layers.0")![1] as Linear).weight.value;
const sample = Array.from(first.data.slice(0, 2048));
const mergeSizes = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1];
const merge = nf4MergeSweep(first, matrix(nf4MergeExamples, 196, assets.test.inputs.data.slice(0, nf4MergeExamples * 196)), mergeSizes, rng(1));

const results = {base: {sourceAccuracy: base.testAccuracy}, comparison, sweep, nf4: {layers, sample, merge, mergeSizes}};
process.stderr.write(`variants: ${comparison.length} methods and ${sweep.length} sweep runs in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(tar([
  {name: "results.json", bytes: new TextEncoder().encode(JSON.stringify(results))},
  {name: "source.bin", bytes: sourceBytes}
]));

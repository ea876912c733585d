// Build-time side of the Fine-tune lab's digits task, in one process so the base
// is pretrained once: the 5–9 digits the page fine-tunes on (compact uint8), the
// base MLP pretrained on 0–4 (float32 weights), and the default LoRA / full /
// head-only runs computed with the same lib the page's worker uses; and the
// Adapters page's adapters, trained on this same base (adapter-shelf.ts).
// Members: digits.bin, base.safetensors, defaults.json, adapters/… (page: FileAttachment("data/lab-digits/…")).
import {useFastKernels, writeModelWeights} from "../../lib/index.js";
import {concatDigits, digits, digitsAssets, encodeDigits, methods, pretrainDigits, runToCompletion, selectDigits} from "../../lib/site/index.js";
import {adapterShelfMembers} from "./adapter-shelf.js";
import {readMnist} from "./lab-sources.js";
import {tar} from "./lab-tar.js";

// The WebAssembly SIMD matmuls, as the page's worker uses them: lib leaves the engine to its importer.
useFastKernels();

const started = performance.now();
const set = readMnist();
const base = pretrainDigits(set);
const pretrainMs = performance.now() - started;
const weights = writeModelWeights(base.model); // safetensors, the format the Adapters page offers too
// The page needs only the target task: 100 training digits per new class and every held-out 5–9 digit.
const pageDigits = encodeDigits(concatDigits([
  selectDigits(set, digits.targetClasses, "train", digits.targetTrainPerClass),
  selectDigits(set, digits.targetClasses, "test")
]));
const assets = digitsAssets(pageDigits, weights);
const runs = methods.map(({id: method}) => runToCompletion({...digits.defaults, targets: [...digits.defaults.targets], method}, assets));
const defaults = {
  task: "digits",
  // The sizes the page prints: how many examples a run trains on and is tested on.
  data: {trainExamples: assets.train.inputs.rows, testExamples: assets.test.inputs.rows},
  base: {testAccuracy: base.testAccuracy, testLoss: base.testLoss, trainExamples: base.trainExamples, pretrainMs},
  runs
};
process.stderr.write(`lab-digits: pretrain ${(pretrainMs / 1000).toFixed(1)} s (0–4 test accuracy ${(100 * base.testAccuracy).toFixed(1)}%), total ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(tar([
  {name: "digits.bin", bytes: pageDigits},
  {name: "base.safetensors", bytes: weights},
  {name: "defaults.json", bytes: new TextEncoder().encode(JSON.stringify(defaults))},
  ...adapterShelfMembers(set, weights, {testAccuracy: base.testAccuracy, pretrainMs}).map(({name, bytes}) => ({name: `adapters/${name}`, bytes}))
]));

// Build-time side of the Fine-tune lab's names task: a letter model pretrained on
// a seeded sample of English words (float32 weights), the first names it adapts
// to (one per line, in split order), and the default runs computed with lib.
// Members: names.txt, base.safetensors, defaults.json (page: FileAttachment("data/lab-names/…")).
import {useFastKernels, writeModelWeights} from "../../lib/index.js";
import {cleanWords, methods, names, namesAssets, pretrainNames, runToCompletion} from "../../lib/site/index.js";
import {readEnglishWords, readFirstNames} from "./lab-sources.js";
import {tar} from "./lab-tar.js";

// The WebAssembly SIMD matmuls, as the page's worker uses them: lib leaves the engine to its importer.
useFastKernels();

const started = performance.now();
const base = pretrainNames(readEnglishWords());
const pretrainMs = performance.now() - started;
const weights = writeModelWeights(base.model); // safetensors, PyTorch parameter names
const nameText = cleanWords(readFirstNames()).join("\n");
const assets = namesAssets(nameText, weights);
const runs = methods.map(({id: method}) => runToCompletion({...names.defaults, targets: [...names.defaults.targets], method}, assets));
const defaults = {
  task: "names",
  // The sizes the page prints: how many examples a run trains on and is tested on.
  data: {trainExamples: assets.train.inputs.rows, testExamples: assets.test.inputs.rows},
  base: {testAccuracy: base.testAccuracy, testLoss: base.testLoss, trainExamples: base.trainExamples, words: base.words, pretrainMs},
  runs
};
process.stderr.write(`lab-names: pretrain ${(pretrainMs / 1000).toFixed(1)} s (next-letter accuracy on held-out words ${(100 * base.testAccuracy).toFixed(1)}%), total ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(tar([
  {name: "names.txt", bytes: new TextEncoder().encode(nameText)},
  {name: "base.safetensors", bytes: weights},
  {name: "defaults.json", bytes: new TextEncoder().encode(JSON.stringify(defaults))}
]));

// Build-time side of the Adapters page: the lab's digits base (pretrained again here,
// seeded, so it is the lab's exact model), one LoRA adapter per view of the digits,
// saved as the PEFT files the page offers for download, and the accuracy of every
// adapter on every view. The page reads these files, not a private format.
// Members (page: FileAttachment("data/adapters/…")):
//   base.safetensors                       the frozen 0–4 MLP, PyTorch names (layers.0.weight, …)
//   digits.bin                             the held-out 0–4 digits, upright (DIG1), for the page's evaluations
//   <view>/adapter_model.safetensors       PEFT's two files, one folder per adapter
//   <view>/adapter_config.json
//   results.json                           accuracies, sizes, loss curves, build times
import "../../lib/index.js"; // installs the WebAssembly matmuls, as in the page
import {
  PEFT_FILES, accuracyOn, adapterDeltas, adapterShelf, allViews, baseWeights, digitViews, digitsBase, encodeDigits,
  pretrainDigits, selectDigits, setDelta, trainViewAdapter, viewDataset, writeModelWeights, writePeftAdapter
} from "../../lib/index.js";
import {readMnist} from "./lab-sources.js";
import {tar} from "./lab-tar.js";

const started = performance.now();
const set = readMnist();
const pretrained = pretrainDigits(set);
const pretrainMs = performance.now() - started;
const weights = writeModelWeights(pretrained.model);

const tests = Object.fromEntries(allViews.map((view) => [view, viewDataset(set, view, "test")]));
const model = digitsBase(weights);
const w0 = baseWeights(model);
const accuracyOf = () => Object.fromEntries(allViews.map((view) => [view, accuracyOn(model, tests[view])]));

const trainStarted = performance.now();
const members: {name: string; bytes: Uint8Array}[] = [];
const adapters = adapterShelf.views.map((view) => {
  const t = performance.now();
  const {adapter, losses} = trainViewAdapter(weights, viewDataset(set, view, "train", adapterShelf.trainPerClass));
  const trainMs = performance.now() - t;
  const files = writePeftAdapter(adapter);
  members.push({name: `${view}/${PEFT_FILES.weights}`, bytes: files.weights}, {name: `${view}/${PEFT_FILES.config}`, bytes: new TextEncoder().encode(files.config)});
  setDelta(model, w0, adapterDeltas(adapter));
  return {
    view,
    title: digitViews[view].title,
    accuracy: accuracyOf(),
    bytes: {fp32: files.weights.length, fp16: writePeftAdapter(adapter, {dtype: "F16"}).weights.length, config: files.config.length},
    // Every 10th mini-batch loss: enough for a sparkline, small enough for the page.
    losses: losses.filter((_, i) => i % 10 === 9),
    trainMs
  };
});
const trainMs = performance.now() - trainStarted;
setDelta(model, w0, {});
const results = {
  shelf: adapterShelf,
  views: allViews.map((view) => ({view, title: digitViews[view].title})),
  base: {accuracy: accuracyOf(), bytes: weights.length, pretrainAccuracy: pretrained.testAccuracy},
  adapters,
  testDigits: tests.upright.inputs.rows,
  build: {pretrainMs, trainMs, totalMs: performance.now() - started}
};
process.stderr.write(`adapters: pretrain ${(pretrainMs / 1000).toFixed(1)} s, 3 adapters ${(trainMs / 1000).toFixed(1)} s, total ${(results.build.totalMs / 1000).toFixed(1)} s\n`);
process.stdout.write(tar([
  {name: "base.safetensors", bytes: weights},
  {name: "digits.bin", bytes: encodeDigits(selectDigits(set, adapterShelf.classes, "test"))},
  ...members,
  {name: "results.json", bytes: new TextEncoder().encode(JSON.stringify(results))}
]));

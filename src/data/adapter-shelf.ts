// Build-time side of the Adapters page, run inside the digits loader
// (lab-digits.tar.ts) so the 0–4 base is pretrained once for both pages: one LoRA
// adapter per view of the digits, saved as the PEFT files the page offers for
// download, and the accuracy of every adapter on every view. The page reads these
// files, not a private format. Members (page: FileAttachment("data/lab-digits/adapters/…")):
//   digits.bin                             the held-out 0–4 digits, upright (DIG1), for the page's evaluations
//   <view>/adapter_model.safetensors       PEFT's two files, one folder per adapter
//   <view>/adapter_config.json
//   results.json                           accuracies, sizes, loss curves, the blend lines, build times
// The base itself is the lab's data/lab-digits/base.safetensors.
import {useFastKernels, PEFT_FILES, adapterDeltas, baseWeights, setDelta, writePeftAdapter} from "../../lib/index.js";
import {accuracyOn, adapterShelf, allViews, blendLine, digitViews, digitsBase, encodeDigits, selectDigits, trainViewAdapter, viewDataset, viewTests, type DigitSet} from "../../lib/site/index.js";

// The WebAssembly SIMD matmuls, as the page's worker uses them: lib leaves the engine to its importer.
useFastKernels();

/** The adapters trained on the pretrained base `weights` (safetensors), as tar members. */
export function adapterShelfMembers(set: DigitSet, weights: Uint8Array, pretrained: {testAccuracy: number; pretrainMs: number}): {name: string; bytes: Uint8Array}[] {
  const started = performance.now();
  const tests = viewTests(set);
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
      adapter,
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
  // The blend lines the page shows at once; its worker reruns the same blendLine live.
  const blendStarted = performance.now();
  const shelf = {model, w0, adapters: adapters.map(({adapter}) => adapter), tests};
  const blends = adapterShelf.blendPairs.map((pair) => {
    const line = blendLine(shelf, pair, adapterShelf.blendPoints);
    for (let next = line.next(); ; next = line.next()) if (next.done) return {pair, points: next.value};
  });
  const blendMs = performance.now() - blendStarted;
  const results = {
    shelf: adapterShelf,
    views: allViews.map((view) => ({view, title: digitViews[view].title})),
    base: {accuracy: accuracyOf(), bytes: weights.length, pretrainAccuracy: pretrained.testAccuracy},
    adapters: adapters.map(({adapter, ...summary}) => summary),
    blends,
    testDigits: tests.upright.inputs.rows,
    build: {pretrainMs: pretrained.pretrainMs, trainMs, blendMs, totalMs: pretrained.pretrainMs + performance.now() - started}
  };
  process.stderr.write(`adapters: 3 adapters ${(trainMs / 1000).toFixed(1)} s, ${blends.length} blend lines ${(blendMs / 1000).toFixed(1)} s\n`);
  return [
    {name: "digits.bin", bytes: encodeDigits(selectDigits(set, adapterShelf.classes, "test"))},
    ...members,
    {name: "results.json", bytes: new TextEncoder().encode(JSON.stringify(results))}
  ];
}

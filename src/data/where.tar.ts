// Build-time results of the "Where to put LoRA" page: the GPT pretrained on the Brown
// corpus's press genres (the same seeded weights as the GPT page) adapted to another
// genre's text by every default run of the page's plan (Tables 5 and 6, the
// learning-rate sweep), with the same lib/site/where code the page's workers run.
// Members (page: FileAttachment("data/where/…")):
//   base.safetensors  the pretrained GPT, PyTorch names
//   text.bin          the new genre's tagged text as the base vocabulary's ids (one byte each): train, then held-out
//   results.json      settings, vocabulary, the split, base loss, every run's loss, the subspace grids, timings
import {encodeText, subspaceSimilarityGrid, writeModelWeights} from "../../lib/index.js";
import {type PlannedRun, type WhereAssets, baseLoss, defaultSettings, planLearningRates, planTable5, planTable6, runWhere, whereDefaults} from "../../lib/site/index.js";
import {brownTaggedText} from "./brown.js";
import {pretrainBrownGPT} from "./gpt-pretrain.js";
import {tar} from "./lab-tar.js";

const log = (line: string) => process.stderr.write(`where: ${line}\n`);
const {config, model, vocabulary, pretrainMs} = pretrainBrownGPT();
log(`pretrain ${(pretrainMs / 1000).toFixed(1)} s`);

// The new task's text (a new genre, tagged), kept to the base's characters.
const known = new Set(vocabulary.chars);
const tokens = encodeText(vocabulary, [...brownTaggedText(whereDefaults.genre)].filter((c) => known.has(c)).join(""));
const split = Math.floor(tokens.length * (1 - whereDefaults.heldOutFraction));
const assets: WhereAssets = {config, base: writeModelWeights(model), train: tokens.subarray(0, split), heldOut: tokens.subarray(split)};

const sections: Record<string, PlannedRun[]> = {table5: planTable5(model), table6: planTable6(config), lr: planLearningRates()};
const runs: {id: string; loss: number; trainable: number; curve: {step: number; loss: number}[]}[] = [];
const seconds: Record<string, number> = {pretrain: pretrainMs / 1000};
const adapters = new Map<string, ReturnType<typeof runWhere>["adapters"]>();
for (const [section, plan] of Object.entries(sections)) {
  const started = performance.now();
  for (const {id, setup} of plan) {
    const result = runWhere(assets, setup);
    runs.push({id, loss: result.loss, trainable: result.trainable, curve: result.curve});
    if (id.startsWith("table6:qv:") && id.endsWith(":1")) adapters.set(id, result.adapters);
  }
  seconds[section] = (performance.now() - started) / 1000;
  log(`${section}: ${plan.length} runs in ${seconds[section].toFixed(1)} s`);
}

// Figure 3 on the real W_q and W_v: φ between the r = 8 and the largest-r adapters of seed 1, per layer.
const largest = Math.max(...planTable6(config).map((r) => r.x));
const small = adapters.get("table6:qv:8:1")!, large = adapters.get(`table6:qv:${largest}:1`)!;
const subspace = small.map(({name, A}) => ({name, largest, grid: subspaceSimilarityGrid(A, large.find((a) => a.name === name)!.A)}));

const results = {
  config,
  vocabulary: vocabulary.chars.join(""),
  genre: whereDefaults.genre,
  split: {train: assets.train.length, heldOut: assets.heldOut.length},
  settings: defaultSettings,
  baseLoss: baseLoss(assets, defaultSettings),
  runs,
  subspace,
  seconds
};
process.stdout.write(tar([
  {name: "base.safetensors", bytes: assets.base},
  {name: "text.bin", bytes: Uint8Array.from(tokens)},
  {name: "results.json", bytes: new TextEncoder().encode(JSON.stringify(results))}
]));

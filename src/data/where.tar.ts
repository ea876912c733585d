// Build-time results of the "Where to put LoRA" page: the GPT pretrained on the Brown
// corpus's press genres (the same seeded weights as the GPT page) adapted to another
// genre's text by every default run of the page's plan (Tables 5 and 6, the
// learning-rate sweep), with the same lib/site/where code the page's workers run.
// Members (page: FileAttachment("data/where/…")):
//   base.safetensors  the pretrained GPT, PyTorch names
//   text.bin          the new genre's tagged text as the base vocabulary's ids (one byte each): train, then held-out
//   results.json      settings, vocabulary, the split, base loss, every run's loss, the subspace grids, timings
//   lab-gpt.json      the Fine-tune lab's GPT task (same base, same text): its default setup run by LoRA, full fine-tuning and head only
import {encodeText, subspaceSimilarityGrid, writeModelWeights} from "../../lib/index.js";
import {availableParallelism} from "node:os";
import {type PlannedRun, type WhereAssets, baseLoss, defaultSettings, gpt, planLearningRates, planTable5, planTable6, runToCompletion, whereDefaults} from "../../lib/site/index.js";
import {brownTaggedText} from "./brown.js";
import {pretrainBrownGPT} from "./gpt-pretrain.js";
import {tar} from "./lab-tar.js";
import {runInThreads} from "./where-thread.js";

const log = (line: string) => process.stderr.write(`where: ${line}\n`);
const {config, model, vocabulary, pretrainMs} = pretrainBrownGPT();
log(`pretrain ${(pretrainMs / 1000).toFixed(1)} s`);

// The new task's text (a new genre, tagged), kept to the base's characters.
const known = new Set(vocabulary.chars);
const tokens = encodeText(vocabulary, [...brownTaggedText(whereDefaults.genre)].filter((c) => known.has(c)).join(""));
const split = Math.floor(tokens.length * (1 - whereDefaults.heldOutFraction));
const assets: WhereAssets = {config, base: writeModelWeights(model), train: tokens.subarray(0, split), heldOut: tokens.subarray(split)};

// Every default run, dealt to one thread per core: the runs are independent and seeded, so
// the results do not depend on which thread ran them.
const plan: PlannedRun[] = [...planTable5(model), ...planTable6(config), ...planLearningRates()];
const largest = Math.max(...planTable6(config).map((r) => r.x));
const figure3 = ["table6:qv:8:1", `table6:qv:${largest}:1`];
const threads = Math.max(1, Math.min(availableParallelism(), 4));
const started = performance.now();
const threadsDone = runInThreads(assets, plan, threads, figure3);

// The lab's GPT task downloads this archive's base and text rather than pretraining a third GPT;
// its build-time runs (the task's defaults, one per baseline method) are made here, on this
// otherwise idle thread while the threads run the plan.
const labRuns = (["lora", "full", "head"] as const).map((method) => runToCompletion({...gpt.defaults, targets: [...gpt.defaults.targets], method}, assets));
const labSeconds = (performance.now() - started) / 1000;
log(`lab's GPT task: ${labRuns.length} runs in ${labSeconds.toFixed(1)} s beside the threads (${labRuns.map((r) => `${r.setup.method} ${r.status}`).join(", ")})`);
const labGpt = {task: "gpt", info: {config, split: assets.train.length}, runs: labRuns};

const results = await threadsDone;
const seconds: Record<string, number> = {pretrain: pretrainMs / 1000, runs: (performance.now() - started) / 1000, lab: labSeconds};
for (const table of ["table5", "table6", "lr"]) {
  const mine = results.filter((r) => r.id.startsWith(`${table}:`));
  log(`${table}: ${mine.length} runs, ${(mine.reduce((s, r) => s + r.ms, 0) / 1000).toFixed(1)} s of compute`);
}
log(`${plan.length} runs in ${seconds.runs.toFixed(1)} s on ${threads} threads`);
const runs = results.map(({id, loss, trainable, curve}) => ({id, loss, trainable, curve}));

// Figure 3 on the real W_q and W_v: φ between the r = 8 and the largest-r adapters of seed 1, per layer.
const [small, large] = figure3.map((id) => results.find((r) => r.id === id)!.adapters);
const subspace = small.map(({name, A}) => ({name, largest, grid: subspaceSimilarityGrid(A, large.find((a) => a.name === name)!.A)}));

const output = {
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
  {name: "results.json", bytes: new TextEncoder().encode(JSON.stringify(output))},
  {name: "lab-gpt.json", bytes: new TextEncoder().encode(JSON.stringify(labGpt))}
]));

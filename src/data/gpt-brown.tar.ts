// Build-time pretraining of the site's small GPT on the Brown corpus's press genres,
// seeded, with the same lib the pages use. Members (page: FileAttachment("data/gpt-brown/…")):
//   gpt.safetensors    the weights, PyTorch names (blocks.0.attn.q_proj.weight, …)
//   run.json           config, vocabulary, loss curve, held-out vs unigram loss, samples, timing
//   gpt_model.py       the PyTorch model the tests were checked against (scripts/fixtures/gpt_model.py)
//   continue_in_pytorch.py  loads the two files above, and adds a PEFT LoRA adapter
import {readFileSync} from "node:fs";
import {
  Adam, GPT, charVocabulary, consecutiveWindows, decodeText, encodeText, languageModelEvaluate, languageModelStep,
  parameterCounts, randomWindows, rng, sampleTokens, unigramLoss, useFastKernels, writeModelWeights
} from "../../lib/index.js";
import {brownText} from "./brown.js";
import {gptPretraining as setup} from "./gpt-config.js";
import {tar} from "./lab-tar.js";

useFastKernels(); // the WebAssembly SIMD matmuls, as the page's worker uses
const started = performance.now();
const text = brownText(setup.genres);
const vocabulary = charVocabulary(text);
const tokens = encodeText(vocabulary, text);
const split = Math.floor(tokens.length * (1 - setup.heldOutFraction));
const train = tokens.subarray(0, split), heldOut = tokens.subarray(split);
const {blockSize} = setup.model;
const evaluation = consecutiveWindows(heldOut, blockSize, setup.evalWindows);

const config = {vocabSize: vocabulary.chars.length, ...setup.model};
const model = new GPT(config, rng(setup.training.seed));
const {steps, batch, lr, finalLrFraction, clipNorm} = setup.training;
const optimizer = new Adam(model.trainableParameters(), {lr});
const random = rng(setup.training.seed + 1);
const curve: {step: number; loss: number}[] = [];
const heldOutCurve: {step: number; loss: number}[] = [{step: 0, loss: languageModelEvaluate(model, evaluation)}];
let window = 0;
for (let step = 1; step <= steps; step++) {
  optimizer.lr = lr * (1 - ((1 - finalLrFraction) * (step - 1)) / (steps - 1)); // linear decay
  window += languageModelStep(model, optimizer, randomWindows(train, batch, blockSize, random), {clipNorm});
  if (step % 10 === 0) {
    curve.push({step, loss: window / 10}); // mean of the last 10 batches
    window = 0;
  }
  if (step % setup.evalEvery === 0) heldOutCurve.push({step, loss: languageModelEvaluate(model, evaluation)});
}
const pretrainMs = performance.now() - started;

const {prompts, length, temperature, seed} = setup.samples;
const sampleRandom = rng(seed);
const samples = prompts.map((prompt) => ({
  prompt,
  continuation: decodeText(vocabulary, sampleTokens(model, Array.from(encodeText(vocabulary, prompt)), sampleRandom, {length, temperature}))
}));
const run = {
  config,
  setup,
  vocabulary: vocabulary.chars.join(""),
  characters: {train: train.length, heldOut: heldOut.length, evaluated: evaluation.targets.length},
  parameters: parameterCounts(model).total,
  shapes: model.namedParameters().map(([name, p]) => ({name, rows: p.value.rows, cols: p.value.cols})),
  curve,
  heldOutCurve,
  heldOut: heldOutCurve[heldOutCurve.length - 1].loss,
  unigram: unigramLoss(train, evaluation.targets, vocabulary.chars.length),
  samples,
  pretrainMs
};
process.stderr.write(`gpt-brown: pretrain ${(pretrainMs / 1000).toFixed(1)} s, held-out ${run.heldOut.toFixed(3)} vs unigram ${run.unigram.toFixed(3)} nats/char\n`);
const encoder = new TextEncoder();
const script = (name: string) => readFileSync(new URL(`../../scripts/fixtures/${name}`, import.meta.url));
process.stdout.write(tar([
  {name: "gpt.safetensors", bytes: writeModelWeights(model)},
  {name: "run.json", bytes: encoder.encode(JSON.stringify(run))},
  {name: "gpt_model.py", bytes: new Uint8Array(script("gpt_model.py"))},
  {name: "continue_in_pytorch.py", bytes: new Uint8Array(script("continue_in_pytorch.py"))}
]));

// Build-time pretraining of the site's small GPT on the Brown corpus's press genres,
// seeded, with the same lib the pages use. Members (page: FileAttachment("data/gpt-brown/…")):
//   gpt.safetensors    the weights, PyTorch names (blocks.0.attn.q_proj.weight, …)
//   run.json           config, vocabulary, loss curve, held-out vs unigram loss, samples, timing
//   gpt_model.py       the PyTorch model the tests were checked against (scripts/fixtures/gpt_model.py)
//   continue_in_pytorch.py  loads the two files above, and adds a PEFT LoRA adapter
import {readFileSync} from "node:fs";
import {decodeText, encodeText, parameterCounts, rng, sampleTokens, unigramLoss, writeModelWeights} from "../../lib/index.js";
import {gptPretraining as setup} from "./gpt-config.js";
import {pretrainBrownGPT} from "./gpt-pretrain.js";
import {tar} from "./lab-tar.js";

const {config, model, vocabulary, train, heldOut, evaluation, curve, heldOutCurve, pretrainMs} = pretrainBrownGPT();

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

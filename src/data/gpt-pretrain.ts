// The build-time GPT's pretraining, shared by the loaders that need the base model
// (gpt-brown.tar.ts for the GPT page, where.tar.ts for "Where to put LoRA"): a loader
// cannot read another's output, so each runs this seeded function and gets the same weights.
import {
  Adam, GPT, charVocabulary, consecutiveWindows, encodeText, languageModelEvaluate, languageModelStep,
  randomWindows, rng, useFastKernels
} from "../../lib/index.js";
import {brownText} from "./brown.js";
import {gptPretraining as setup} from "./gpt-config.js";

/** Pretrains the GPT of gpt-config.ts on its Brown genres; returns the model, its vocabulary, the text split and the curves. */
export function pretrainBrownGPT() {
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
  return {config, model, vocabulary, train, heldOut, evaluation, curve, heldOutCurve, pretrainMs: performance.now() - started};
}

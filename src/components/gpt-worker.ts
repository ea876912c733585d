// The GPT page's live sampler, off the main thread: 160 forward passes of the model
// were one ~0.5 s task on this project's machines (the page's longest, on load and
// after every edit of the prompt). One token per unit of work, so serveExperiment
// slices it and a changed prompt (which terminates this worker) is seen at once.
import {GPT, type GPTConfig, decodeText, encodeText, loadModelWeights, rng, sampleTokens, useFastKernels} from "../_generated/lib/index.js";
import {serveExperiment} from "./experiment-worker.js";

// This worker wants the WebAssembly SIMD kernels (the TypeScript ones where SIMD is missing).
useFastKernels();

/** What the page sends: the build's config, weights file and vocabulary, and what to sample (the page checked the prompt). */
export interface SampleInput {config: GPTConfig; weights: Uint8Array; vocabulary: string; prompt: string; seed: number; length: number; temperature: number}

serveExperiment(({config, weights, vocabulary, prompt, seed, length, temperature}: SampleInput) => {
  const model = new GPT(config, rng(0)); // the random init is overwritten by the file's weights
  loadModelWeights(model, weights);
  const chars = {chars: [...vocabulary]};
  const random = rng(seed);
  const promptIds = Array.from(encodeText(chars, prompt));
  const tokens = [...promptIds];
  // sampleTokens draws one random number per token, so one token at a time from the
  // same generator gives exactly the tokens of one call for all `length`.
  return {
    advance: () => (tokens.push(...sampleTokens(model, tokens, random, {length: 1, temperature})), tokens.length - promptIds.length >= length),
    progress: () => ({done: tokens.length - promptIds.length, total: length}),
    result: (status, error) => ({status, error, text: decodeText(chars, tokens.slice(promptIds.length))})
  };
});

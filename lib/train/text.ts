// Character-level text for language models: a vocabulary of the characters a text
// uses, windows of T + 1 characters cut at random places (inputs are the first T,
// targets the last T: each position predicts the next character), and the
// unigram baseline a model must beat to show it learned more than letter counts.
import {type Matrix, matrix} from "../matrix/index.js";
import type {Rng} from "../random.js";
import {checkInteger} from "../check.js";

/** The characters of a text, sorted, with their ids (id = index in `chars`). */
export interface CharVocabulary {
  chars: string[];
}

/** The sorted distinct characters of `text`. */
export function charVocabulary(text: string): CharVocabulary {
  return {chars: [...new Set(text)].sort()};
}

/** Text -> ids; a character outside the vocabulary is an error naming it. */
export function encodeText(vocabulary: CharVocabulary, text: string): Int32Array {
  const index = new Map(vocabulary.chars.map((c, i) => [c, i]));
  return Int32Array.from(text, (c) => {
    const id = index.get(c);
    if (id === undefined) throw new RangeError(`encodeText: ${JSON.stringify(c)} is not in the vocabulary`);
    return id;
  });
}

/** Ids -> text. */
export function decodeText(vocabulary: CharVocabulary, ids: Iterable<number>): string {
  let out = "";
  for (const id of ids) out += vocabulary.chars[id] ?? "\uFFFD";
  return out;
}

/** A batch of next-token examples: ids (B, T) and targets (B·T), target b·T + t = ids[b][t + 1] in the text. */
export interface TokenBatch {
  ids: Matrix;
  targets: Int32Array;
}

/** B windows of T + 1 tokens starting at uniformly drawn offsets. */
export function randomWindows(tokens: Int32Array, batch: number, T: number, random: Rng): TokenBatch {
  checkInteger("batch", batch, 1);
  checkInteger("T", T, 1, tokens.length - 1);
  const ids = matrix(batch, T), targets = new Int32Array(batch * T);
  for (let b = 0; b < batch; b++) {
    const start = random.int(tokens.length - T);
    for (let t = 0; t < T; t++) {
      ids.data[b * T + t] = tokens[start + t];
      targets[b * T + t] = tokens[start + t + 1];
    }
  }
  return {ids, targets};
}

/** Consecutive non-overlapping windows covering `tokens` (the last partial one dropped): a fixed evaluation set. */
export function consecutiveWindows(tokens: Int32Array, T: number, maxWindows = Infinity): TokenBatch {
  const count = Math.min(Math.floor((tokens.length - 1) / T), maxWindows);
  checkInteger("windows", count, 1);
  const ids = matrix(count, T), targets = new Int32Array(count * T);
  for (let i = 0; i < count * T; i++) {
    ids.data[i] = tokens[i];
    targets[i] = tokens[i + 1];
  }
  return {ids, targets};
}

/** Cross-entropy (nats per token) on `heldOut` of the character frequencies of `train`, add-one smoothed. */
export function unigramLoss(train: Int32Array, heldOut: Int32Array, vocabSize: number): number {
  const counts = new Float64Array(vocabSize).fill(1);
  for (const id of train) counts[id]++;
  const total = train.length + vocabSize;
  let loss = 0;
  for (const id of heldOut) loss -= Math.log(counts[id] / total);
  return loss / heldOut.length;
}

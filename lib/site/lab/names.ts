// Character-level language modelling (Bengio et al. 2003; makemore's MLP): predict
// the next letter from the previous `context` letters. Words are lowercase a–z; the
// token 0 (".") pads the start and marks the end of every word, as in makemore.
import {type Dataset, type Matrix, matrix, type Module, permutation, type Rng, softmaxRows} from "../../index.js";

/** "." (start/end) then a–z: 27 tokens. */
export const alphabet = ".abcdefghijklmnopqrstuvwxyz";
/** Number of tokens. */
export const vocabularySize = alphabet.length;

/** Lowercases and keeps only words of a–z letters with 2 ≤ length ≤ maxLength, without duplicates (first kept). */
export function cleanWords(words: readonly string[], maxLength = 15): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const word of words) {
    const w = word.toLowerCase();
    if (w.length < 2 || w.length > maxLength || !/^[a-z]+$/.test(w) || seen.has(w)) continue;
    seen.add(w);
    out.push(w);
  }
  return out;
}

/** A seeded sample of `count` words (without replacement), in the sample's order. */
export function sampleWords(words: readonly string[], count: number, random: Rng): string[] {
  const order = permutation(random, words.length);
  return Array.from(order.subarray(0, Math.min(count, words.length)), (i) => words[i]);
}

/** The split rule for word lists: every fifth word (index 4, 9, …) is held out for testing. */
export function splitWords(words: readonly string[]): {train: string[]; test: string[]} {
  return {train: words.filter((_, i) => i % 5 !== 4), test: words.filter((_, i) => i % 5 === 4)};
}

/** Token id of a letter (or "."); throws on anything else. */
export function tokenId(letter: string): number {
  const id = alphabet.indexOf(letter);
  if (id < 0 || letter.length !== 1) throw new RangeError(`tokenId: "${letter}" is not "." or a letter a–z`);
  return id;
}

/**
 * Every (context → next letter) window of every word, makemore style: "emma" with
 * context 3 gives "..." → e, "..e" → m, ".em" → m, "emm" → a, "mma" → ".".
 * Inputs are (N, context) token ids stored as floats (what Embedding reads).
 */
export function wordWindows(words: readonly string[], context: number): Dataset & {targets: Int32Array} {
  let n = 0;
  for (const w of words) n += w.length + 1;
  const inputs = matrix(n, context);
  const targets = new Int32Array(n);
  let row = 0;
  for (const w of words) {
    const window = new Array<number>(context).fill(0);
    for (const letter of [...w, "."]) {
      inputs.data.set(window, row * context);
      targets[row++] = tokenId(letter);
      window.shift();
      window.push(tokenId(letter));
    }
  }
  return {inputs, targets};
}

/** Draws `count` words from a character model, one letter at a time from softmax(logits / temperature). */
export function sampleFromModel(model: Module, context: number, count: number, random: Rng, {temperature = 1, maxLength = 20} = {}): string[] {
  const out: string[] = [];
  for (let s = 0; s < count; s++) {
    const window = new Array<number>(context).fill(0);
    let word = "";
    while (word.length < maxLength) {
      const logits: Matrix = model.forward(matrix(1, context, Float32Array.from(window))); // (1, context) -> (1, vocab)
      for (let j = 0; j < logits.data.length; j++) logits.data[j] /= temperature;
      const probabilities = softmaxRows(logits).data;
      let u = random.random(), next = probabilities.length - 1;
      for (let j = 0; j < probabilities.length; j++) {
        if ((u -= probabilities[j]) < 0) {
          next = j;
          break;
        }
      }
      if (next === 0) break;
      word += alphabet[next];
      window.shift();
      window.push(next);
    }
    out.push(word);
  }
  return out;
}

// Character-level text helpers and the next-token step: exact cases and properties.
import {describe, expect, it} from "vitest";
import {
  Adam, GPT, charVocabulary, consecutiveWindows, decodeText, encodeText, languageModelEvaluate, languageModelScore, languageModelStep,
  languageModelLoss, argmaxRows, randomWindows, rng, unigramLoss
} from "../../lib/index.js";

const text = "the cat sat on the mat. the dog sat on the log.";
const vocabulary = charVocabulary(text);
const tokens = encodeText(vocabulary, text);

describe("character text", () => {
  it("round-trips and names characters it does not know", () => {
    expect(vocabulary.chars.join("")).toBe(" .acdeghlmnost"); // distinct, sorted by code point
    expect(decodeText(vocabulary, tokens)).toBe(text);
    expect(() => encodeText(vocabulary, "the cow")).toThrow(/"w" is not in the vocabulary/);
  });

  it("windows' targets are their inputs shifted by one character in the text", () => {
    const {ids, targets} = randomWindows(tokens, 4, 6, rng(3));
    for (let b = 0; b < 4; b++) {
      for (let t = 0; t + 1 < 6; t++) expect(targets[b * 6 + t]).toBe(ids.data[b * 6 + t + 1]);
    }
    const fixed = consecutiveWindows(tokens, 5);
    expect(fixed.ids.rows).toBe(Math.floor((tokens.length - 1) / 5));
    expect(decodeText(vocabulary, fixed.ids.data)).toBe(text.slice(0, fixed.ids.rows * 5));
    expect(decodeText(vocabulary, fixed.targets)).toBe(text.slice(1, fixed.ids.rows * 5 + 1));
  });

  it("unigram loss is the add-one smoothed cross-entropy: exact case", () => {
    // counts a: 3 + 1, b: 1 + 1 over 4 + 2 -> p(a) = 4/6, p(b) = 2/6; held-out "ab" -> −(ln 4/6 + ln 2/6)/2.
    expect(unigramLoss(Int32Array.of(0, 0, 0, 1), Int32Array.of(0, 1), 2)).toBeCloseTo(-(Math.log(4 / 6) + Math.log(2 / 6)) / 2, 12);
  });
});

describe("next-token training", () => {
  it("lowers the loss on a tiny text well below the unigram baseline", () => {
    const model = new GPT({vocabSize: vocabulary.chars.length, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16}, rng(1));
    const optimizer = new Adam(model.trainableParameters(), {lr: 1e-2});
    const evaluation = consecutiveWindows(tokens, 8);
    const before = languageModelEvaluate(model, evaluation);
    const random = rng(2);
    for (let step = 0; step < 150; step++) languageModelStep(model, optimizer, randomWindows(tokens, 8, 8, random), {clipNorm: 1});
    const after = languageModelEvaluate(model, evaluation, 2); // chunked evaluation: same mean
    expect(after).toBeCloseTo(languageModelEvaluate(model, evaluation), 5);
    expect(before).toBeGreaterThan(2.5);
    expect(after).toBeLessThan(0.5 * unigramLoss(tokens, tokens, vocabulary.chars.length));
  });

  it("scores loss and next-token accuracy from the same logits, chunked or not", () => {
    const model = new GPT({vocabSize: vocabulary.chars.length, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16}, rng(4));
    const evaluation = consecutiveWindows(tokens, 8);
    const logits = model.forward(evaluation.ids); // (windows·8, vocab), one pass
    const predicted = argmaxRows(logits);
    const right = evaluation.targets.filter((target, i) => predicted[i] === target).length;
    const whole = languageModelScore(model, evaluation);
    expect(whole.accuracy).toBe(right / evaluation.targets.length);
    expect(whole.loss).toBeCloseTo(languageModelLoss(logits, evaluation.targets).loss, 5);
    const chunked = languageModelScore(model, evaluation, 2);
    expect(chunked.accuracy).toBe(whole.accuracy);
    expect(chunked.loss).toBeCloseTo(whole.loss, 5);
    expect(languageModelEvaluate(model, evaluation, 2)).toBe(chunked.loss);
  });
});

// The Brown corpus as text for the GPT's loaders: exact cases from the corpus files
// (cp01 begins "They/ppss neither/cc liked/vbd nor/cc disliked/vbd the/at Old/jj-tl Man/nn-tl ./.").
import {describe, expect, it} from "vitest";
import {BROWN_ALPHABET, brownTaggedText, brownText} from "../../src/data/brown.js";

describe("Brown corpus text", () => {
  it("drops the tags and joins punctuation to its word", () => {
    expect(brownText("p").slice(0, 48)).toBe("they neither liked nor disliked the old man. to ");
  });

  it("writes each word's tag after it (first letters only) and leaves punctuation untagged", () => {
    expect(brownTaggedText("p").slice(0, 72)).toBe("they:ppss neither:cc liked:vbd nor:cc disliked:vbd the:at old:jj man:nn.");
    const keep = new Set(BROWN_ALPHABET);
    expect([...brownTaggedText("r")].every((c) => keep.has(c))).toBe(true);
  });
});

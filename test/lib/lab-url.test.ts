// Property tests (fast-check) for the lab's URL parser: whatever a shared link holds,
// reading it gives a setup made only of allowed choices and finite numbers, with
// short messages, and a valid setup survives the round trip through the URL exactly.
import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {type LabSetup, digits, isTaskId, limits, names, setupFromQuery, setupToQuery} from "../../lib/site/index.js";

const queryKeys = ["task", "method", "r", "alpha", "scaling", "targets", "dropout", "init", "lr", "steps", "batch", "seed"];
// Strings a hostile link might carry: inherited property names, number look-alikes, very long text.
const nasty = fc.oneof(
  fc.string(),
  fc.constantFrom("toString", "__proto__", "constructor", "hasOwnProperty", "valueOf", "0x10", "0b11", "1e999", "-Infinity", "NaN", " ", "1,5", "4px"),
  fc.string({minLength: 500, maxLength: 3000}),
  fc.double().map(String)
);
const query = fc.dictionary(fc.oneof(fc.constantFrom(...queryKeys), fc.string()), nasty).map((record) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(record)) params.append(key, value);
  return params.toString();
});

describe("the lab's URL parser", () => {
  it("any query gives allowed choices, finite numbers and short messages, and never throws", () => {
    fc.assert(
      fc.property(query, (text) => {
        const {setup, messages} = setupFromQuery(text);
        expect(isTaskId(setup.task)).toBe(true);
        expect(["lora", "full", "head"]).toContain(setup.method);
        expect(["alpha/r", "alpha/sqrt-r"]).toContain(setup.scaling);
        expect(["paper", "peft", "gaussian"]).toContain(setup.init);
        for (const field of ["rank", "alpha", "dropout", "lr", "steps", "batchSize", "seed"] as const) expect(Number.isFinite(setup[field])).toBe(true);
        for (const message of messages) expect(message.length).toBeLessThan(160);
        const written = new URLSearchParams(setupToQuery(setup));
        for (const key of ["r", "alpha", "dropout", "lr", "steps", "batch", "seed"]) expect(written.get(key)).toMatch(/^-?[\d.]+(e[+-]\d+)?$/);
      }),
      {numRuns: 400}
    );
  });

  it("a value that is not a plain decimal number is never read as one (no hex, binary or Infinity)", () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 2 ** 31 - 1}), fc.constantFrom("0x", "0X", "0b", "0o"), (n, prefix) => {
        const written = prefix.toLowerCase() === "0x" ? n.toString(16) : prefix.toLowerCase() === "0b" ? n.toString(2) : n.toString(8);
        const {setup, messages} = setupFromQuery(`seed=${prefix}${written}`);
        expect(setup.seed).toBe(digits.defaults.seed);
        expect(messages).toHaveLength(1);
      })
    );
  });

  it("every valid setup survives the URL exactly, with no message", () => {
    const setup = fc.record({
      task: fc.constantFrom("digits" as const, "names" as const),
      method: fc.constantFrom("lora" as const, "full" as const, "head" as const),
      rank: fc.integer({min: 1, max: 64}),
      alpha: fc.double({min: limits.alpha[0], max: limits.alpha[1], noNaN: true}),
      scaling: fc.constantFrom("alpha/r" as const, "alpha/sqrt-r" as const),
      dropout: fc.double({min: limits.dropout[0], max: limits.dropout[1], noNaN: true}),
      init: fc.constantFrom("paper" as const, "peft" as const, "gaussian" as const),
      lr: fc.double({min: limits.lr[0], max: limits.lr[1], noNaN: true}),
      steps: fc.integer({min: limits.steps[0], max: limits.steps[1]}),
      batchSize: fc.integer({min: limits.batchSize[0], max: limits.batchSize[1]}),
      seed: fc.integer({min: limits.seed[0], max: limits.seed[1]})
    }).chain((partial) => {
      const layers = (partial.task === "digits" ? digits : names).defaults.targets;
      return fc.subarray([...layers], {minLength: 1}).map((targets): LabSetup => ({...partial, targets}));
    });
    fc.assert(
      fc.property(setup, (original) => {
        expect(setupFromQuery(setupToQuery(original))).toEqual({setup: original, messages: []});
      }),
      {numRuns: 300}
    );
  });
});

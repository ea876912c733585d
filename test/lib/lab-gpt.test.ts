// The lab's GPT task: its layer list is the real GPT's, a lab run takes the same steps as
// the Where page's run of the same setup (same loss, to the last bit), every method runs
// and trains what it should, and the URL's targets are checked against the task's list.
import {describe, expect, it} from "vitest";
import {GPT, Linear, charVocabulary, encodeText, findModule, loraLayers, parameterCounts, rng, writeModelWeights} from "../../lib/index.js";
import {LabRun, type LabSetup, gpt, gptAssets, runToCompletion, runWhere, setupFromQuery, setupToQuery, validateSetup, whereDefaults} from "../../lib/site/index.js";
import {gptPretraining} from "../../src/data/gpt-config.js";

// A tiny text and a random GPT of the page's width stand in for the Brown corpus and the pretrained base.
const text = "the:at cat:nn sat:vbd on:in the:at mat:nn .:. a:at dog:nn met:vbd the:at cat:nn by:in the:at log:nn .:. ".repeat(40);
const vocabulary = charVocabulary(text);
const tokens = encodeText(vocabulary, text);
const config = {vocabSize: vocabulary.chars.length, blockSize: 16, nLayer: 1, nHead: 4, nEmbd: 64};
const split = tokens.length - 96 * 16 - 1; // the held-out part holds the Where page's 96 windows of 16
const assets = gptAssets(Uint8Array.from(tokens), writeModelWeights(new GPT(config, rng(5))), {config, split});
const setup = (changes: Partial<LabSetup> = {}): LabSetup => ({...gpt.defaults, targets: [...gpt.defaults.targets], steps: 24, ...changes});

describe("the lab's GPT task", () => {
  it("lists the GPT's adaptable layers with their real shapes (src/data/gpt-config.ts)", () => {
    const model = new GPT({vocabSize: 40, ...gptPretraining.model}, rng(1));
    for (const {name, in: inputs, out} of gpt.layers) {
      const path = `blocks.0.${name.endsWith("proj") && !name.startsWith("up") && !name.startsWith("down") ? "attn" : "mlp"}.${name}`;
      const layer = findModule(model, path) as Linear;
      expect(layer).toBeInstanceOf(Linear);
      expect([layer.outFeatures, layer.inFeatures]).toEqual([out, inputs]);
    }
    expect(gpt.layers.map((l) => l.name)).toEqual(["q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj"]);
  });

  it("a lab run takes the Where page's steps: the same held-out loss, bit for bit", () => {
    const lab = runToCompletion(setup({rank: 10, steps: 16, seed: 2}), assets);
    const where = runWhere(assets, {method: "lora", targets: ["q_proj", "v_proj"], rank: 10, alpha: 16, lr: 1e-2, steps: 16,
      batch: 8, context: whereDefaults.context, seed: 2, evalWindows: whereDefaults.evalWindows});
    expect(lab.status).toBe("done");
    expect(lab.evals.at(-1)!.loss).toBe(where.loss);
  });

  it("LoRA on W_q, W_v lowers the held-out loss, merges exactly, and trains r·(in + out) per adapted matrix", () => {
    const result = runToCompletion(setup({steps: 48}), assets);
    expect(result.status).toBe("done");
    const first = result.evals[0], last = result.evals.at(-1)!;
    expect(result.evals.map((e) => e.step)).toEqual([0, 16, 32, 48]);
    expect(last.loss).toBeLessThan(first.loss - 0.2);
    expect(last.accuracy).toBeGreaterThan(first.accuracy);
    expect(result.curve.every((p) => Number.isFinite(p.loss))).toBe(true);
    expect(result.trainable).toBe(2 * 4 * (64 + 64)); // q and v of the one block, rank 4
    expect(result.merge!.maxAbsLogitDiff).toBeLessThan(1e-3);
    expect(result.merge!.examples).toBe(96 * 16);
    expect(result.spectra.map((s) => s.layer)).toEqual(["blocks.0.attn.q_proj", "blocks.0.attn.v_proj"]);
  });

  it("every target, full fine-tuning and head only run, each training what it should", () => {
    const all = new LabRun(setup({targets: gpt.layers.map((l) => l.name)}), assets);
    expect(loraLayers(all.model).map(([name]) => name.split(".").at(-1))).toEqual(["q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj"]);
    const full = runToCompletion(setup({method: "full", lr: 1e-3, steps: 4}), assets);
    expect(full.trainable).toBe(full.total);
    expect(full.spectra).toHaveLength(6); // ΔW of every adaptable matrix of the block
    const head = runToCompletion(setup({method: "head", steps: 4}), assets);
    expect(head.trainable).toBe(parameterCounts(findModule(new GPT(config, rng(0)), "lm_head")).total);
  });

  it("names unknown targets and an empty choice, from the URL too", () => {
    const {setup: fromUrl, messages} = setupFromQuery("task=gpt&targets=q_proj,w_q,toString");
    expect(messages).toEqual([]);
    expect(validateSetup(fromUrl).targets).toMatch(/"w_q", "toString" cannot be adapted here \(choose from q_proj, k_proj, v_proj, o_proj, up_proj, down_proj\)/);
    expect(validateSetup(setup({targets: []})).targets).toMatch(/choose at least one layer/);
    expect(validateSetup(setup({rank: 65})).rank).toMatch(/r ≤ min\(64, 64\) = 64/);
    const good = setup({targets: ["up_proj", "down_proj"], rank: 8});
    expect(setupFromQuery(setupToQuery(good))).toEqual({setup: good, messages: []});
    expect(validateSetup(good)).toEqual({});
  });
});

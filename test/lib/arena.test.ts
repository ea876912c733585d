// The training-step arena (lib/matrix/arena.ts): a step's intermediates come from
// the buffers the previous step used. Reuse must change no number, a step of the
// same shapes must allocate nothing new, and nothing outside a step is affected.
import {describe, expect, it} from "vitest";
import {
  Adam, Arena, GPT, MLP, Trainer, arenaOf, consecutiveWindows, evaluate, injectLoRA, languageModelScore, languageModelStep, matrix, randomWindows, rng, withArena
} from "../../lib/index.js";
import {randomMatrix} from "./gradcheck.js";

function blobs(n: number, seed: number) {
  const inputs = randomMatrix(n, 6, seed);
  const targets = Int32Array.from({length: n}, (_, i) => (inputs.data[i * 6] + inputs.data[i * 6 + 1] > 0 ? 1 : 0));
  return {inputs, targets};
}

function loraTrainer(examples: number) {
  const model = new MLP([6, 24, 24, 2], rng(1));
  injectLoRA(model, {targetModules: ["layers.0", "layers.2"], rank: 3, dropout: 0.1}, rng(2));
  const trainer = new Trainer({model, optimizer: new Adam(model.trainableParameters(), {lr: 0.03}), data: blobs(examples, 3), batchSize: 16, seed: 5});
  return {model, trainer};
}

const weights = (model: MLP) => model.parameters().map((p) => Array.from(p.value.data));

// A fresh arena per step never hands a buffer out twice: the no-reuse baseline
// (withArena nests, so the Trainer's own arena is not used inside it).
const withoutReuse = <T>(step: () => T): T => withArena(new Arena(), step);

describe("training-step arena", () => {
  it("Trainer steps that reuse buffers equal steps that never do, bit for bit: losses, then every weight (dropout, a short last batch)", () => {
    const reused = loraTrainer(40), fresh = loraTrainer(40); // batches of 16, 16, 8 per epoch
    for (let i = 0; i < 12; i++) expect(reused.trainer.step().loss).toBe(withoutReuse(() => fresh.trainer.step()).loss);
    expect(weights(reused.model)).toEqual(weights(fresh.model));
    expect(arenaOf(reused.model).heldFloats()).toBeGreaterThan(0);
  });

  it("the GPT's languageModelStep likewise, and after its first step a step allocates nothing", () => {
    const config = {vocabSize: 11, blockSize: 6, nLayer: 2, nHead: 2, nEmbd: 8};
    const tokens = Int32Array.from({length: 200}, (_, i) => (i * 7 + (i >> 3)) % 11);
    const run = (reuse: boolean) => {
      const model = new GPT(config, rng(4));
      injectLoRA(model, {targetModules: ["q_proj", "v_proj"], rank: 2}, rng(5));
      const optimizer = new Adam(model.trainableParameters(), {lr: 0.01});
      const random = rng(6);
      const losses: number[] = [], allocations: number[] = [];
      for (let i = 0; i < 6; i++) {
        const step = () => languageModelStep(model, optimizer, randomWindows(tokens, 4, 6, random), {clipNorm: 1});
        losses.push(reuse ? step() : withoutReuse(step));
        allocations.push(arenaOf(model).allocations);
      }
      return {losses, allocations};
    };
    const reused = run(true), fresh = run(false);
    expect(reused.losses).toEqual(fresh.losses);
    expect(reused.allocations[0]).toBeGreaterThan(10);
    expect(reused.allocations.slice(1)).toEqual(reused.allocations.slice(1).map(() => reused.allocations[0]));
    expect(fresh.allocations.every((n) => n === 0)).toBe(true); // the model's own arena was never used
  });

  it("evaluate and languageModelScore reuse buffers batch to batch and give the never-reusing numbers exactly", () => {
    const {model} = loraTrainer(40);
    const data = blobs(70, 9); // batches of 16 and a last one of 6
    expect(evaluate(model, data, {batchSize: 16})).toEqual(withoutReuse(() => evaluate(model, data, {batchSize: 16})));
    const gpt = new GPT({vocabSize: 11, blockSize: 6, nLayer: 1, nHead: 2, nEmbd: 8}, rng(3));
    const windows = consecutiveWindows(Int32Array.from({length: 90}, (_, i) => (i * 5) % 11), 6);
    expect(languageModelScore(gpt, windows, 4)).toEqual(withoutReuse(() => languageModelScore(gpt, windows, 4)));
  });

  it("hands out zeros even when the previous step wrote into the buffer", () => {
    const arena = new Arena();
    const first = withArena(arena, () => {
      const m = matrix(3, 5);
      m.data.fill(7);
      return m.data;
    });
    const second = withArena(arena, () => matrix(3, 5).data);
    expect(second).toBe(first); // the same buffer, reused
    expect(Array.from(second)).toEqual(new Array(15).fill(0));
    expect(arena.allocations).toBe(1);
  });

  it("outside a step every matrix is fresh, and a step's buffers are not handed out twice within it", () => {
    const arena = new Arena();
    withArena(arena, () => matrix(2, 2));
    expect(matrix(2, 2).data).not.toBe(matrix(2, 2).data);
    withArena(arena, () => {
      const a = matrix(2, 2), b = matrix(2, 2);
      expect(a.data).not.toBe(b.data);
    });
    expect(arena.allocations).toBe(2);
  });
});

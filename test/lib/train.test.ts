// The trainer: seeded determinism, divergence reporting, evaluation.
import {describe, expect, it} from "vitest";
import {Adam, MLP, SGD, Trainer, evaluate, injectLoRA, matrix, rng} from "../../lib/index.js";
import {randomMatrix} from "./gradcheck.js";

// Two Gaussian blobs in 4-d, classes 0/1 by the sign of the first coordinate.
function blobs(n: number, seed: number) {
  const inputs = randomMatrix(n, 4, seed);
  const targets = Int32Array.from({length: n}, (_, i) => (inputs.data[i * 4] > 0 ? 1 : 0));
  return {inputs, targets};
}

function run(seed: number, steps: number): number[] {
  const model = new MLP([4, 16, 2], rng(seed));
  injectLoRA(model, {targetModules: ["layers.0"], rank: 2, dropout: 0.2}, rng(seed + 1));
  const optimizer = new Adam(model.trainableParameters(), {lr: 0.05});
  // modulesToSave is not used, so the head is frozen: a pure LoRA run.
  const trainer = new Trainer({model, optimizer, data: blobs(100, 5), batchSize: 16, seed});
  return Array.from({length: steps}, () => trainer.step().loss);
}

describe("Trainer", () => {
  it("the same seed gives the same loss sequence (shuffles and dropout included); another seed differs", () => {
    const first = run(3, 20), second = run(3, 20);
    expect(second).toEqual(first);
    expect(run(4, 20)).not.toEqual(first);
  });

  it("returns step, epoch, loss, gradNorm and batch accuracy, and learns", () => {
    const model = new MLP([4, 16, 2], rng(1));
    const data = blobs(200, 2);
    const trainer = new Trainer({model, optimizer: new Adam(model.trainableParameters(), {lr: 0.02}), data, batchSize: 50, seed: 1, reportGradNorm: true});
    const first = trainer.step();
    expect(first).toMatchObject({step: 1, epoch: 0});
    expect(first.gradNorm).toBeGreaterThan(0);
    expect(first.accuracy).toBeGreaterThanOrEqual(0);
    let last = first;
    for (let i = 0; i < 4; i++) last = trainer.step();
    expect(last).toMatchObject({step: 5, epoch: 1}); // 200 / 50 = 4 steps per epoch
    for (let i = 0; i < 100; i++) trainer.step();
    const result = evaluate(model, data);
    expect(result.accuracy).toBeGreaterThan(0.95);
    expect(result.loss).toBeLessThan(first.loss);
  });

  it("skips the gradient norm unless clipping or asked to report it, and it is then √Σg² of the step's gradients", () => {
    const model = new MLP([4, 16, 2], rng(1));
    const optimizer = new SGD(model.trainableParameters(), {lr: 0});
    const data = blobs(64, 2);
    expect(new Trainer({model, optimizer, data, batchSize: 64}).step()).not.toHaveProperty("gradNorm");
    // lr 0: the step leaves the gradients as backward made them, so the norm can be recomputed.
    const {gradNorm} = new Trainer({model, optimizer, data, batchSize: 64, reportGradNorm: true}).step();
    let sum = 0;
    for (const p of optimizer.parameters) for (const g of p.grad.data) sum += g * g;
    expect(gradNorm).toBeGreaterThan(0);
    expect(gradNorm).toBeCloseTo(Math.sqrt(sum), 10);
  });

  it("clips the gradient norm when asked", () => {
    const model = new MLP([4, 8, 2], rng(1));
    const optimizer = new SGD(model.trainableParameters(), {lr: 0.1});
    const trainer = new Trainer({model, optimizer, data: blobs(32, 2), batchSize: 32, clipNorm: 1e-3});
    const {gradNorm} = trainer.step();
    expect(gradNorm).toBeGreaterThan(1e-3); // reported before clipping ...
    let clipped = 0;
    for (const p of optimizer.parameters) for (const g of p.grad.data) clipped += g * g;
    expect(Math.sqrt(clipped)).toBeLessThanOrEqual(1e-3 * 1.0001); // ... applied after
  });

  it("a diverging run throws, naming the loss, the step and the learning rate", () => {
    const model = new MLP([4, 16, 2], rng(1));
    const trainer = new Trainer({model, optimizer: new SGD(model.trainableParameters(), {lr: 1e6}), data: blobs(64, 2), batchSize: 64});
    expect(() => {
      for (let i = 0; i < 50; i++) trainer.step();
    }).toThrow(/diverged at step \d+: the (loss|gradient norm) is (NaN|Infinity).*lower learning rate \(lr is 1000000\)/);
  });
});

describe("evaluate", () => {
  it("gives MSE and null accuracy for regression targets, batch size not mattering", () => {
    const model = new MLP([3, 2], rng(1));
    const inputs = randomMatrix(10, 3, 2);
    const data = {inputs, targets: matrix(10, 2)};
    const whole = evaluate(model, data);
    const batched = evaluate(model, data, {batchSize: 3});
    expect(whole.accuracy).toBeNull();
    expect(batched.loss).toBeCloseTo(whole.loss, 6);
    const output = model.forward(inputs);
    expect(whole.loss).toBeCloseTo(output.data.reduce((s, v) => s + v * v, 0) / 20, 6);
  });
});

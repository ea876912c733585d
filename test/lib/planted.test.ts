import {describe, expect, it} from "vitest";
import {maxAbsDiff} from "../../lib/matrix/index.js";
import {rng} from "../../lib/random.js";
import {plantedTask, randomOrthonormal, singularValues} from "../../lib/analysis/index.js";
import {maxDeviation, product, transposed} from "./analysis-fixtures.js";

const base = {outputSize: 20, inputSize: 16, samples: 50};

describe("plantedTask", () => {
  it("ΔW* has exactly rank k: k singular values equal to σ, the rest below 1e-6·σ₁ (float32 storage)", () => {
    for (const plantedRank of [0, 1, 3, 7, 16]) {
      const sigma = Array.from({length: plantedRank}, (_, i) => 4 - 0.2 * i);
      const task = plantedTask({...base, plantedRank, singularValues: sigma}, rng(80 + plantedRank));
      const S = singularValues(task.deltaW);
      sigma.forEach((expected, i) => expect(S[i]).toBeCloseTo(expected, 5));
      for (let i = plantedRank; i < S.length; i++) expect(S[i]).toBeLessThan(1e-6 * 4);
      expect(task.plantedRank).toBe(plantedRank);
    }
  });

  it("defaults to k equal singular values `scale`", () => {
    const S = singularValues(plantedTask({...base, plantedRank: 4, scale: 2.5}, rng(90)).deltaW);
    for (let i = 0; i < 4; i++) expect(S[i]).toBeCloseTo(2.5, 5);
    expect(S[4]).toBeLessThan(1e-5);
  });

  it("U and V have orthonormal columns and rebuild ΔW* = U·diag(σ)·Vᵀ", () => {
    const task = plantedTask({...base, plantedRank: 5, singularValues: [5, 4, 3, 2, 1]}, rng(91));
    expect(maxDeviation(product(transposed(task.U), task.U), "identity")).toBeLessThan(1e-6);
    expect(maxDeviation(product(transposed(task.V), task.V), "identity")).toBeLessThan(1e-6);
    const scaledU = {...task.U, data: task.U.data.map((u, index) => u * task.singularValues[index % 5])};
    expect(maxDeviation(product(scaledU, transposed(task.V)), task.deltaW)).toBeLessThan(1e-5);
  });

  it("shapes: W0, ΔW*, target d_out×d_in; X n×d_in; Y n×d_out; target = W0 + ΔW*", () => {
    const {W0, deltaW, target, U, V, X, Y} = plantedTask({...base, plantedRank: 2}, rng(92));
    const shape = (m: {rows: number; cols: number}) => [m.rows, m.cols];
    expect([W0, deltaW, target, U, V, X, Y].map(shape)).toEqual([[20, 16], [20, 16], [20, 16], [20, 2], [16, 2], [50, 16], [50, 20]]);
    for (let i = 0; i < target.data.length; i++) expect(target.data[i]).toBeCloseTo(W0.data[i] + deltaW.data[i], 6);
  });

  it("noiseless targets are exactly Y = X·(W0 + ΔW*)ᵀ (float64 reference)", () => {
    const {X, Y, target} = plantedTask({...base, plantedRank: 3}, rng(93));
    expect(maxDeviation(product(X, transposed(target)), Y)).toBeLessThan(1e-5);
  });

  it("noise adds Gaussian residuals with the requested standard deviation (±10% over 4,000 draws)", () => {
    const {X, Y, target} = plantedTask({...base, samples: 200, plantedRank: 3, noise: 0.3}, rng(94));
    const clean = product(X, transposed(target)).flat();
    const variance = clean.reduce((sum, y, i) => sum + (Y.data[i] - y) ** 2, 0) / clean.length;
    expect(Math.sqrt(variance)).toBeGreaterThan(0.27);
    expect(Math.sqrt(variance)).toBeLessThan(0.33);
  });

  it("W0 is Gaussian with std 1/√d_in (±5%)", () => {
    const {W0} = plantedTask({outputSize: 64, inputSize: 64, plantedRank: 1, samples: 1}, rng(95));
    const std = Math.sqrt(W0.data.reduce((sum, w) => sum + w * w, 0) / W0.data.length);
    expect(Math.abs(std * 8 - 1)).toBeLessThan(0.05);
  });

  it("a seed names a task: same seed, same task; another seed, another task", () => {
    const first = plantedTask({...base, plantedRank: 3, noise: 0.1}, rng(96));
    const again = plantedTask({...base, plantedRank: 3, noise: 0.1}, rng(96));
    const other = plantedTask({...base, plantedRank: 3, noise: 0.1}, rng(97));
    expect(maxAbsDiff(first.Y, again.Y)).toBe(0);
    expect(maxAbsDiff(first.deltaW, again.deltaW)).toBe(0);
    expect(maxAbsDiff(first.deltaW, other.deltaW)).toBeGreaterThan(0.01);
  });

  it("validates rank, sizes, singular values and noise with messages naming them", () => {
    expect(() => plantedTask({...base, plantedRank: 17}, rng(1))).toThrow(/plantedRank must be a whole number in 0\.\.16, got 17/);
    expect(() => plantedTask({...base, plantedRank: -1}, rng(1))).toThrow(/plantedRank must be a whole number in 0\.\.16, got -1/);
    expect(() => plantedTask({...base, inputSize: 0, plantedRank: 0}, rng(1))).toThrow(/inputSize/);
    expect(() => plantedTask({...base, samples: 2.5, plantedRank: 1}, rng(1))).toThrow(/samples/);
    expect(() => plantedTask({...base, plantedRank: 2, singularValues: [1]}, rng(1))).toThrow(/singularValues must have plantedRank = 2/);
    expect(() => plantedTask({...base, plantedRank: 1, singularValues: [-1]}, rng(1))).toThrow(/≥ 0/);
    expect(() => plantedTask({...base, plantedRank: 1, noise: -0.1}, rng(1))).toThrow(/noise/);
    // Code written before the rename (a reader's saved live cell) is told the new name, not given a task of rank undefined.
    expect(() => plantedTask({...base, rank: 3} as unknown as Parameters<typeof plantedTask>[0], rng(1))).toThrow(/`rank` is now `plantedRank`/);
  });
});

describe("randomOrthonormal", () => {
  it("returns orthonormal columns, including a full square basis", () => {
    for (const [rows, cols] of [[10, 3], [8, 8], [5, 1]]) {
      const q = randomOrthonormal(rng(rows * cols), rows, cols);
      expect(maxDeviation(product(transposed(q), q), "identity")).toBeLessThan(1e-6);
    }
  });

  it("rejects more columns than rows", () => {
    expect(() => randomOrthonormal(rng(1), 3, 4)).toThrow(/cols must be a whole number in 0\.\.3, got 4/);
  });
});

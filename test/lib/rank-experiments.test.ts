// The "Intrinsic rank" experiment (lib/site/rank): the default run finds the
// planted rank at the elbow, every φ is in [0, 1] and the seeds really differ
// from random matrices; the elbow and gap rules and the settings checks on their own.
import {beforeAll, describe, expect, it} from "vitest";
import {type RankResults, defaultRankSettings, findElbow, rankExperiment, rankSettingsProblems, runRankExperiment, spectralGapRank} from "../../lib/site/index.js";

describe("the default run (the one the data loader ships)", () => {
  let results: RankResults;
  beforeAll(() => {
    results = runRankExperiment(defaultRankSettings);
  });

  it("finds the elbow of the LoRA sweep at the planted rank k, and the spectrum's gap there too", () => {
    const {knownAnswer} = results;
    expect(knownAnswer.elbow).toBe(defaultRankSettings.plantedRank);
    expect(knownAnswer.gapRank).toBe(defaultRankSettings.plantedRank);
    expect(knownAnswer.sweep.map((p) => p.rank)).toEqual(Array.from({length: 16}, (_, i) => i + 1));
    // The cliff: r = k − 1 is at least 5× worse than r = k on held-out examples.
    const heldOut = knownAnswer.sweep.map((p) => p.heldOutLoss);
    expect(heldOut[1] / heldOut[2]).toBeGreaterThan(5);
    // From r = k on, the held-out loss sits near the noise floor σ² (within 20%).
    const floor = defaultRankSettings.noise ** 2;
    for (const loss of heldOut.slice(2)) expect(Math.abs(loss / floor - 1)).toBeLessThan(0.2);
  });

  it("learns ΔW with k singular values near the planted ones and a floor far below", () => {
    const {spectrum, planted} = results.knownAnswer;
    planted.forEach((sigma, i) => expect(Math.abs(spectrum[i] - sigma)).toBeLessThan(0.05 * sigma));
    expect(spectrum[planted.length]).toBeLessThan(0.1 * planted[planted.length - 1]);
  });

  it("gives φ in [0, 1] everywhere, shapes 8×64 and 64×64, and seeds agree more than random matrices", () => {
    const {figure3, figure4Seeds, figure4Random} = results.paper;
    expect([figure3.length, figure3[0].length]).toEqual([8, 64]);
    expect([figure4Seeds.length, figure4Seeds[0].length]).toEqual([64, 64]);
    for (const grid of [figure3, figure4Seeds, figure4Random]) {
      for (const phi of grid.flat()) expect(phi >= 0 && phi <= 1).toBe(true);
    }
    expect(figure3[0][0]).toBeGreaterThan(0.5); // the paper's Figure 3 finding
    expect(figure4Seeds[7][7]).toBeGreaterThan(figure4Random[7][7] + 0.3);
    // Two random 64-dimensional subspaces of R^128 overlap by about j/128 on average.
    expect(figure4Random[63][63]).toBeGreaterThan(0.4);
    expect(figure4Random[63][63]).toBeLessThan(0.6);
  });

  it("fills the Table 7 rows with the orderings Ky Fan's principle guarantees", () => {
    for (const row of results.paper.table7) {
      expect(row.ontoW).toBeGreaterThanOrEqual(row.ontoDeltaW);
      expect(row.ontoW).toBeGreaterThanOrEqual(row.ontoRandom);
      expect(row.ontoW).toBeLessThanOrEqual(row.normW + 1e-9);
      expect(row.factor).toBeCloseTo(row.normDeltaW / row.ontoDeltaW, 10);
    }
    expect(results.paper.table7.map((row) => row.rank)).toEqual([4, 64]);
  });

  it("is seeded: the same settings give the same numbers, and survive JSON", () => {
    const again = runRankExperiment(defaultRankSettings);
    expect(again.knownAnswer.sweep).toEqual(results.knownAnswer.sweep);
    expect(again.paper.figure3).toEqual(results.paper.figure3);
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });
});

describe("progress", () => {
  it("counts up to the total, one step at a time, and names each phase", () => {
    const run = rankExperiment({...defaultRankSettings, size: 4, plantedRank: 2}, undefined);
    let previous = 0, total = 0;
    const phases = new Set<string>();
    for (let next = run.next(); !next.done; next = run.next()) {
      expect(next.value.done).toBeGreaterThanOrEqual(previous);
      previous = next.value.done;
      total = next.value.total;
      phases.add(next.value.phase);
    }
    expect(previous).toBeLessThanOrEqual(total);
    expect(phases.has("full fine-tune")).toBe(true);
    expect(phases.has("LoRA r = 4")).toBe(true); // the sweep stops at d = 4
    expect(phases.has("LoRA r = 5")).toBe(false);
  });
});

describe("findElbow", () => {
  it("is the smallest rank within 1% of the gap to the best", () => {
    expect(findElbow([1, 2, 3, 4], [0.5, 0.2, 0.0101, 0.01], 1)).toBe(3);
    expect(findElbow([1, 2, 3, 4], [0.5, 0.2, 0.03, 0.01], 1)).toBe(4);
  });
  it("ignores overfitting past the elbow and noise-level jitter in a noiseless run", () => {
    expect(findElbow([1, 2, 3, 4, 5], [0.1, 0.04, 1e-13, 2e-7, 1e-14], 0.2)).toBe(3);
    expect(findElbow([1, 2, 3], [0.3, 0.31, 0.32], 0.4)).toBe(1);
  });
  it("rejects mismatched or non-finite input", () => {
    expect(() => findElbow([1, 2], [0.1], 1)).toThrow(RangeError);
    expect(() => findElbow([1], [NaN], 1)).toThrow(RangeError);
  });
});

describe("spectralGapRank", () => {
  it("finds the last large value before the biggest drop, exact zeros included", () => {
    expect(spectralGapRank([3, 2, 1, 0.01, 0.009])).toBe(3);
    expect(spectralGapRank([2, 1, 0, 0])).toBe(2);
    expect(spectralGapRank([1])).toBe(1);
  });
});

describe("rankSettingsProblems", () => {
  it("accepts the defaults and names each bad setting in words", () => {
    expect(rankSettingsProblems(defaultRankSettings)).toEqual({});
    expect(rankSettingsProblems({...defaultRankSettings, plantedRank: 40, size: 32}).plantedRank).toMatch(/at most 16/);
    expect(rankSettingsProblems({...defaultRankSettings, plantedRank: 12, size: 8}).plantedRank).toMatch(/at most d = 8/);
    expect(rankSettingsProblems({...defaultRankSettings, noise: -0.1}).noise).toMatch(/cannot be negative/);
    expect(rankSettingsProblems({...defaultRankSettings, noise: NaN}).noise).toMatch(/must be a number/);
    expect(rankSettingsProblems({...defaultRankSettings, size: 2.5}).size).toMatch(/whole number/);
    expect(rankSettingsProblems({...defaultRankSettings, seed: -1}).seed).toMatch(/whole number/);
  });
  it("makes the experiment refuse bad settings instead of producing NaN", () => {
    expect(() => runRankExperiment({...defaultRankSettings, plantedRank: 12, size: 8})).toThrow(/at most d = 8/);
  });
});

// The "Intrinsic rank" experiment, written once for the page's worker, the
// build-time data loader and the tests (Hu et al. 2021, arXiv:2106.09685, §7).
//
// 1. Known answer: a planted task whose needed change ΔW* has rank k. A full
//    fine-tune learns ΔW (its spectrum: k large values, then a floor); LoRA at
//    r = 1…16 shows the held-out loss falling off a cliff at r = k.
// 2. Figure 3: adapters at r = 8 and r = 64 on one task; φ(A₈, A₆₄, i, j) (eq. 4).
// 3. Figure 4: two seeds at r = 64, and two random Gaussian matrices as a baseline.
// 4. Table 7 (§7.3): W projected onto ΔW's top-r subspace, W's own and a random one.
//
// Everything is seeded: the same settings give the same numbers everywhere.
// `rankExperiment` is a generator that yields progress after every training
// step, so the caller owns pacing and cancelation (style principle 4).
import {type Amplification, amplification, type Dataset, effectiveRank, evaluate, fillNormal, gatherRows, type LoRALinear, type Matrix, matrix, type Module, plantedTask, rng, singularValues, subspaceSimilarityGrid} from "../../index.js";
import {findElbow, spectralGapRank} from "./elbow.js";
import {type FitOptions, fitFull, fitLoRA, pretrainedLayer} from "./fit.js";

/** What the reader chooses: the planted rank k, the layer size d, target noise and the seed. */
export interface RankSettings {
  /** True rank k of the planted change (part 1); not LoRA's rank r, which the sweep varies. */
  plantedRank: number;
  /** The layer is d × d (part 1). */
  size: number;
  /** Standard deviation of the Gaussian noise on the targets (part 1). */
  noise: number;
  /** Seeds every task, initialisation and batch order (all parts). */
  seed: number;
}

/** The defaults: the data loader runs these at build time, the page shows them first. */
export const defaultRankSettings: RankSettings = {plantedRank: 3, size: 32, noise: 0.05, seed: 1};

/** The ranks swept in part 1 (capped at d). */
export const sweepRanks = Array.from({length: 16}, (_, i) => i + 1);

/** What each setting accepts. */
export const rankSettingLimits = {size: {min: 4, max: 64}, plantedRank: {min: 1, max: sweepRanks.length}, noise: {min: 0, max: 1}};

/** The fixed parts of the experiment, with their reasons. */
export const rankExperimentConfig = {
  /** Part 1: 256 examples to train on, 256 held out (the elbow reads held-out loss, so fitting noise cannot fake a gain). */
  samples: 256,
  heldOut: 256,
  /**
   * 200 Adam steps at lr 0.01 on batches of 64 bring every rank of the sweep to its
   * floor, up to d = 64 and k = 16 (300 steps move no elbow and no cliff), in ~1 s.
   */
  fit: {steps: 200, lr: 0.01, batchSize: 64} satisfies FitOptions,
  /** A reducible-loss gap closed to 1%: the weakest planted direction (σ = 1) carries ≥ 1/(2.3 k) of it. */
  elbowTolerance: 0.01,
  /**
   * Parts 2–4: a 128×128 layer, so an r = 64 adapter is half the space, not all of it.
   * ΔW* has 16 directions with σᵢ = 2·0.7^(i−1): a few strong ones every adapter
   * learns and a tail that sinks into the target noise (0.1), like a real task.
   */
  paper: {
    size: 128, plantedRank: 16, topSingularValue: 2, decay: 0.7, noise: 0.1, samples: 512, ranks: [4, 8, 64] as const,
    /** 300 steps: at 200 the r = 64 adapters are still settling (φ(8, 8) between seeds 0.74 instead of 0.80). */
    fit: {steps: 300, lr: 0.01, batchSize: 64} satisfies FitOptions
  }
};

/** Per-setting messages for values the experiment cannot run; empty when all are valid. */
export function rankSettingsProblems({plantedRank: k, size, noise, seed}: RankSettings): Partial<Record<keyof RankSettings, string>> {
  const problems: Partial<Record<keyof RankSettings, string>> = {};
  const {size: sizeLimit, plantedRank: kLimit, noise: noiseLimit} = rankSettingLimits;
  if (!Number.isInteger(size) || size < sizeLimit.min || size > sizeLimit.max) {
    problems.size = `d must be a whole number from ${sizeLimit.min} to ${sizeLimit.max}.`;
  }
  if (!Number.isInteger(k) || k < kLimit.min) {
    problems.plantedRank = `k must be a whole number of at least ${kLimit.min}.`;
  } else if (k > kLimit.max) {
    problems.plantedRank = `k must be at most ${kLimit.max}, the largest rank the sweep tries.`;
  } else if (!problems.size && k > size) {
    problems.plantedRank = `k must be at most d = ${size}: a ${size}×${size} change has at most ${size} independent directions.`;
  }
  if (!Number.isFinite(noise)) problems.noise = "The noise must be a number.";
  else if (noise < noiseLimit.min) problems.noise = "The noise is a standard deviation, so it cannot be negative.";
  else if (noise > noiseLimit.max) problems.noise = `Keep the noise at most ${noiseLimit.max}: beyond that it drowns every planted direction.`;
  if (!Number.isInteger(seed) || seed < 0) problems.seed = "The seed must be a whole number ≥ 0.";
  return problems;
}

/** Progress: training steps done out of the total, and what is training now. */
export interface RankProgress {
  done: number;
  total: number;
  phase: string;
}

/** One point of the LoRA sweep. */
export interface SweepPoint {
  rank: number;
  trainLoss: number;
  heldOutLoss: number;
}

/** Everything the page draws; plain numbers and arrays, so it survives JSON and postMessage. */
export interface RankResults {
  settings: RankSettings;
  knownAnswer: {
    /** The planted singular values σ (length k). */
    planted: number[];
    /** Singular values of the ΔW a full fine-tune learned, descending (length d). */
    spectrum: number[];
    effectiveRank: number;
    gapRank: number;
    fullFineTune: {trainLoss: number; heldOutLoss: number};
    /** Held-out loss of W0 itself (rank 0: no adaptation). */
    baseLoss: number;
    sweep: SweepPoint[];
    elbow: number;
  };
  paper: {
    size: number;
    /** Training loss of each paper-style adapter, by name ("r=8", "r=64, second seed"). */
    losses: Record<string, number>;
    /** Figure 3: φ(A_{r=8}, A_{r=64}, i, j), grid[i − 1][j − 1], 8 × 64. */
    figure3: number[][];
    /** Figure 4: φ between two seeds at r = 64 (64 × 64). */
    figure4Seeds: number[][];
    /** Figure 4: φ between two random Gaussian 64 × d matrices (64 × 64). */
    figure4Random: number[][];
    /** Table 7 rows for the r = 4 and r = 64 adapters. */
    table7: Amplification[];
  };
}

/** Seeded sub-streams: one seed names the whole experiment, each draw gets its own offset. */
const seedFor = (seed: number, offset: number) => seed * 7919 + offset;

/** Rows [start, start + count) of a dataset's inputs and targets. */
function slice(inputs: Matrix, targets: Matrix, start: number, count: number): Dataset {
  const rows = Array.from({length: count}, (_, i) => start + i);
  return {inputs: gatherRows(inputs, rows), targets: gatherRows(targets, rows)};
}

/** Runs the whole experiment, yielding progress after every training step; returns the results. */
export function* rankExperiment(settings: RankSettings, config = rankExperimentConfig): Generator<RankProgress, RankResults> {
  const problems = Object.values(rankSettingsProblems(settings));
  if (problems.length) throw new RangeError(problems.join(" "));
  const {plantedRank: k, size: d, noise, seed} = settings;
  const {fit, paper} = config;
  const ranks = sweepRanks.filter((r) => r <= d);
  const paperRuns = [...paper.ranks.map((r) => ({name: `r=${r}`, rank: r, seed: seedFor(seed, 300 + r)})), {name: "r=64, second seed", rank: 64, seed: seedFor(seed, 400)}];
  // The SVD-based analyses after training take about as long as 100 steps each; counting
  // them keeps the progress bar honest (five of them: two grids, the random grid, two Table 7 rows).
  const analysisWeight = 100, analyses = 5;
  const total = fit.steps * (1 + ranks.length) + paper.fit.steps * paperRuns.length + analysisWeight * analyses;
  let done = 0;
  // Runs a fitting generator to the end, yielding the experiment's progress after each step.
  function* track<T>(phase: string, run: Generator<number, T>): Generator<RankProgress, T> {
    for (;;) {
      const next = run.next();
      if (next.done) return next.value;
      done++;
      yield {done, total, phase};
    }
  }

  // Part 1: the planted task, σᵢ from 2 down to 1 so the spectrum reads in order
  // and the weakest direction (σ = 1) still adds 1/d to the mean squared error when missed.
  const planted = Array.from({length: k}, (_, i) => 1 + (k - 1 - i) / k);
  const task = plantedTask({outputSize: d, inputSize: d, plantedRank: k, samples: config.samples + config.heldOut, singularValues: planted, noise}, rng(seedFor(seed, 1)));
  const train = slice(task.X, task.Y, 0, config.samples);
  const heldOut = slice(task.X, task.Y, config.samples, config.heldOut);
  const loss = (model: Module, data: Dataset) => evaluate(model, data).loss;

  const full = yield* track("full fine-tune", fitFull(task.W0, train, fit, seedFor(seed, 2)));
  const spectrum = Array.from(singularValues(full.deltaW));
  const sweep: SweepPoint[] = [];
  for (const r of ranks) {
    const layer = yield* track(`LoRA r = ${r}`, fitLoRA(task.W0, train, r, fit, seedFor(seed, 100 + r)));
    sweep.push({rank: r, trainLoss: loss(layer, train), heldOutLoss: loss(layer, heldOut)});
  }
  const baseLoss = loss(pretrainedLayer(task.W0), heldOut);

  // Parts 2–4: the paper-style task.
  const paperTask = plantedTask(
    {
      outputSize: paper.size, inputSize: paper.size, plantedRank: paper.plantedRank, samples: paper.samples, noise: paper.noise,
      singularValues: Array.from({length: paper.plantedRank}, (_, i) => paper.topSingularValue * paper.decay ** i)
    },
    rng(seedFor(seed, 200))
  );
  const paperData: Dataset = {inputs: paperTask.X, targets: paperTask.Y};
  const adapters = new Map<string, LoRALinear>();
  const losses: Record<string, number> = {};
  for (const run of paperRuns) {
    const layer = yield* track(`LoRA ${run.name} (Figures 3–4)`, fitLoRA(paperTask.W0, paperData, run.rank, paper.fit, run.seed));
    adapters.set(run.name, layer);
    losses[run.name] = loss(layer, paperData);
  }
  const A = (name: string) => adapters.get(name)!.loraA.value; // (r × in)
  // Each analysis reports its phase first, then counts as done.
  function* analyse<T>(phase: string, compute: () => T): Generator<RankProgress, T> {
    yield {done, total, phase};
    const value = compute();
    done += analysisWeight;
    return value;
  }
  const figure3 = yield* analyse("subspace similarity, Figure 3", () => subspaceSimilarityGrid(A("r=8"), A("r=64")));
  const figure4Seeds = yield* analyse("subspace similarity, Figure 4 (seeds)", () => subspaceSimilarityGrid(A("r=64"), A("r=64, second seed")));
  const figure4Random = yield* analyse("subspace similarity, Figure 4 (random)", () => {
    const random = rng(seedFor(seed, 500));
    const gaussian = () => matrix(64, paper.size, fillNormal(random, new Float32Array(64 * paper.size))); // like A at r = 64: (64 × in)
    return subspaceSimilarityGrid(gaussian(), gaussian());
  });
  const table7: Amplification[] = [];
  for (const r of [4, 64]) {
    table7.push(yield* analyse(`Table 7, r = ${r}`, () => amplification(adapters.get(`r=${r}`)!.deltaW(), paperTask.W0, r, rng(seedFor(seed, 600 + r)))));
  }

  return {
    settings: {...settings},
    knownAnswer: {
      planted,
      spectrum,
      effectiveRank: effectiveRank(spectrum),
      gapRank: spectralGapRank(spectrum, Math.min(d - 1, sweepRanks.length)),
      fullFineTune: {trainLoss: loss(full.layer, train), heldOutLoss: loss(full.layer, heldOut)},
      baseLoss,
      sweep,
      elbow: findElbow(sweep.map((p) => p.rank), sweep.map((p) => p.heldOutLoss), baseLoss, config.elbowTolerance)
    },
    paper: {
      size: paper.size,
      losses,
      figure3,
      figure4Seeds,
      figure4Random,
      table7
    }
  };
}

/** Runs the experiment to the end without reporting progress (data loaders, tests). */
export function runRankExperiment(settings: RankSettings = defaultRankSettings, config = rankExperimentConfig): RankResults {
  const run = rankExperiment(settings, config);
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
  }
}

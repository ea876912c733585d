// The page's default experiments as a list of named runs, so the loader, the
// live rerun and the tables agree on what "Table 5, W_q W_v, seed 2" means, and a
// live result can be matched to its build-time twin by id.
import type {GPTConfig, Module} from "../../index.js";
import {rankForBudget} from "./budget.js";
import {targetSet, TARGET_SETS, whereDefaults} from "./configs.js";
import type {WhereSetup} from "./run.js";

/** Which experiment a run belongs to. */
export type WhereTable = "table5" | "table6" | "lr";

/** A run of the plan: an id ("table5:qv:1"), what it varies, and its setup. */
export interface PlannedRun {
  id: string;
  table: WhereTable;
  /** The row: a target set id, or "full" for full fine-tuning. */
  row: string;
  /** Table 6's rank or the sweep's learning rate; the rank for Table 5. */
  x: number;
  seed: number;
  setup: WhereSetup;
}

/** Settings the reader may change (the URL keeps them): shared by every run of the plan. */
export interface WhereSettings {
  budget: number;
  alpha: number;
  lr: number;
  fullLr: number;
  steps: number;
  batch: number;
  context: number;
  seeds: readonly number[];
  evalWindows: number;
}

/** The default settings (whereDefaults without the grids). */
export const defaultSettings: WhereSettings = {
  budget: whereDefaults.budget, alpha: whereDefaults.alpha, lr: whereDefaults.lr, fullLr: whereDefaults.fullLr,
  steps: whereDefaults.steps, batch: whereDefaults.batch, context: whereDefaults.context,
  seeds: whereDefaults.seeds, evalWindows: whereDefaults.evalWindows
};

function lora(settings: WhereSettings, targets: readonly string[], rank: number, seed: number, lr = settings.lr): WhereSetup {
  const {alpha, steps, batch, context, evalWindows} = settings;
  return {method: "lora", targets, rank, alpha, lr, steps, batch, context, seed, evalWindows};
}

/** Table 5: every target set at the rank that holds the budget, for each seed. `model` only supplies layer shapes. */
export function planTable5(model: Module, settings: WhereSettings = defaultSettings): PlannedRun[] {
  return TARGET_SETS.flatMap((set) => {
    const rank = rankForBudget(model, set.targets, settings.budget);
    return settings.seeds.map((seed) => ({id: `table5:${set.id}:${seed}`, table: "table5" as const, row: set.id, x: rank, seed, setup: lora(settings, set.targets, rank, seed)}));
  });
}

/** Table 6: W_q, W_q W_v and all four attention matrices at r = 1, 2, 4, 8 and the largest (nEmbd), for each seed. */
export function planTable6(config: GPTConfig, settings: WhereSettings = defaultSettings): PlannedRun[] {
  const ranks = whereDefaults.ranks.map((r) => Math.min(r, config.nEmbd));
  return whereDefaults.table6Sets.flatMap((id) => ranks.flatMap((rank) => settings.seeds.map((seed) => ({
    id: `table6:${id}:${rank}:${seed}`, table: "table6" as const, row: id, x: rank, seed, setup: lora(settings, targetSet(id).targets, rank, seed)
  }))));
}

/** The learning-rate sweep: full fine-tuning and LoRA on every linear layer at two ranks, over the log grid. */
export function planLearningRates(settings: WhereSettings = defaultSettings, seeds: readonly number[] = whereDefaults.lrSeeds): PlannedRun[] {
  const all = targetSet("all").targets;
  const rows: {row: string; setup: (lr: number, seed: number) => WhereSetup}[] = [
    {row: "full", setup: (lr, seed) => ({...lora(settings, [], 1, seed, lr), method: "full"})},
    ...whereDefaults.lrRanks.map((rank) => ({row: `r${rank}`, setup: (lr: number, seed: number) => lora(settings, all, rank, seed, lr)}))
  ];
  return rows.flatMap(({row, setup}) => whereDefaults.lrGrid.flatMap((lr) => seeds.map((seed) => ({
    id: `lr:${row}:${lr}:${seed}`, table: "lr" as const, row, x: lr, seed, setup: setup(lr, seed)
  }))));
}

/** Mean, sample standard deviation, min and max of a configuration's runs (the tables' "mean ± spread"). */
export function summarize(values: readonly number[]): {mean: number; std: number; min: number; max: number; n: number} {
  const n = values.length;
  if (n === 0) throw new RangeError("summarize: no values");
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return {mean, std, min: Math.min(...values), max: Math.max(...values), n};
}

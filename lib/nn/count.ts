// Parameter and memory accounting for the calculators: what LoRA saves is
// optimizer state and checkpoint size, because frozen weights need neither.
import type {Module} from "./module.js";
import {countValues} from "./parameter.js";

/** Trainable vs frozen scalar counts of a model. */
export interface ParameterCounts {
  trainable: number;
  frozen: number;
  total: number;
  /** trainable / total. */
  trainableFraction: number;
}

/** Counts trainable and frozen parameters. */
export function parameterCounts(model: Module): ParameterCounts {
  const all = model.parameters();
  const trainable = countValues(all.filter((p) => p.trainable));
  const total = countValues(all);
  return {trainable, frozen: total - trainable, total, trainableFraction: total ? trainable / total : 0};
}

/** Optimizer kinds the state-size calculator knows. */
export type OptimizerKind = "sgd" | "sgd-momentum" | "adam" | "adamw";

const stateFloats: Record<OptimizerKind, number> = {"sgd": 0, "sgd-momentum": 1, "adam": 2, "adamw": 2};

/** Bytes of optimizer state for `trainable` parameters: Adam keeps 2 fp32 moments each, momentum SGD 1. */
export function optimizerStateBytes(trainable: number, optimizer: OptimizerKind, bytesPerFloat = 4): number {
  if (!(optimizer in stateFloats)) {
    throw new RangeError(`optimizer must be one of ${Object.keys(stateFloats).join(", ")}, got ${optimizer}`);
  }
  return trainable * stateFloats[optimizer] * bytesPerFloat;
}

/** Size of what a fine-tune must save (the trainable parameters: A, B and any modules to save), at fp32 and fp16. */
export function adapterBytes(model: Module): {parameters: number; fp32: number; fp16: number} {
  const {trainable} = parameterCounts(model);
  return {parameters: trainable, fp32: trainable * 4, fp16: trainable * 2};
}

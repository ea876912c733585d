// Working with several adapters on one base model (Hu et al. 2022, §4.1): switch
// tasks by subtracting B·A and adding B'·A'; blend them product-wise, a weighted sum
// of their ΔW (PEFT's add_weighted_adapter "cat" stacks the factors to get exactly
// that); or factor-wise, mixing the A's and the B's (LoraHub, arXiv:2307.13269, and
// PEFT's "linear"), which adds cross terms B_i·A_j.
import {type Matrix, axpy, matmul, matrix, scale} from "../matrix/index.js";
import {type Module, loraLayers, replaceModule} from "../nn/index.js";
import {type Adapter, type ApplyOptions, checkAdapter, extractAdapter, writeAdapter} from "./adapter.js";
import {bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits} from "./float16.js";
import type {SafetensorsDtype} from "./safetensors.js";

/** ΔW = scaling · B·A of one adapter layer, (out × in). */
export function layerDelta({A, B, scaling}: {A: Matrix; B: Matrix; scaling: number}): Matrix {
  const delta = matmul(B, A); // (out, r) @ (r, in) -> (out, in)
  return scale(delta, scaling, delta);
}

/**
 * Deploys `next` on a model that serves merged weights: every merged LoRA layer is unmerged
 * (W0 = W − B·A·s), LoRA layers `next` does not cover go back to plain Linear, then `next` is written
 * and merged (W = W0 + s'·B'·A'). Checks run first; on any problem nothing changes. Returns the adapter
 * that was loaded before (its modules_to_save taken at `next`'s paths), or null if there was none,
 * so `switchAdapter(model, previous)` switches back.
 */
export function switchAdapter(model: Module, next: Adapter, options: ApplyOptions = {}): Adapter | null {
  const problems = checkAdapter(model, next, {allowMerged: true, allowOtherLoRA: true});
  if (problems.length > 0) throw new Error(`switchAdapter: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  const current = loraLayers(model);
  const previous = current.length > 0 ? extractAdapter(model) : null;
  if (previous) {
    for (const path of Object.keys(next.saved)) {
      const saved = Object.fromEntries(Object.entries(next.saved[path]).map(([name]) => [name, currentValue(model, path, name)]));
      previous.saved[path] = saved;
    }
  }
  for (const [path, layer] of current) {
    if (layer.isMerged) layer.unmerge();
    if (!(path in next.layers)) replaceModule(model, path, layer.base);
  }
  writeAdapter(model, next, options);
  for (const [path, layer] of loraLayers(model)) if (path in next.layers) layer.merge();
  return previous;
}

/**
 * The product-wise blend, per module: ΔW = Σ_i w_i · s_i · B_i·A_i, (out × in), where s_i is
 * adapter i's own scaling (PEFT's "cat" gives exactly this). It is NOT the factor-wise blend of
 * LoraHub, (Σ w_i B_i)(Σ w_i A_i) (see `factorBlend`), which adds cross terms B_i·A_j (i ≠ j)
 * between adapters whose ranks never trained together.
 * Adapters may have different ranks but must cover the same modules with the same in/out.
 */
export function blendAdapters(adapters: readonly Adapter[], weights: readonly number[]): Record<string, Matrix> {
  checkCombination("blendAdapters", adapters, weights);
  const blended: Record<string, Matrix> = {};
  for (const path of Object.keys(adapters[0].layers)) {
    const {B, A} = adapters[0].layers[path];
    const sum = matrix(B.rows, A.cols);
    adapters.forEach((adapter, i) => axpy(weights[i], layerDelta(adapter.layers[path]), sum));
    blended[path] = sum;
  }
  return blended;
}

/**
 * Concatenation along the rank axis, as PEFT's add_weighted_adapter(combination_type="cat"):
 * A = [w_1·s_1·A_1; w_2·s_2·A_2; …] ((Σr) × in), B = [B_1, B_2, …] (out × Σr), scaling 1
 * (rank = alpha = Σr), so B·A = Σ_i w_i·s_i·B_i·A_i: the same ΔW as `blendAdapters`, but as an
 * adapter that can be merged, switched to and saved. Its rank Σr must still fit min(in, out) to load.
 */
export function catAdapters(adapters: readonly Adapter[], weights: readonly number[]): Adapter {
  checkCombination("catAdapters", adapters, weights);
  const withSaved = adapters.findIndex((a) => Object.keys(a.saved).length > 0);
  if (withSaved >= 0) throw new Error(`catAdapters: adapter ${withSaved} has modules_to_save, which cannot be concatenated`);
  const rank = adapters.reduce((sum, a) => sum + a.config.rank, 0);
  const layers: Adapter["layers"] = {};
  for (const path of Object.keys(adapters[0].layers)) {
    const inFeatures = adapters[0].layers[path].A.cols;
    const outFeatures = adapters[0].layers[path].B.rows;
    const A = matrix(rank, inFeatures);
    const B = matrix(outFeatures, rank);
    let offset = 0;
    adapters.forEach((adapter, i) => {
      const layer = adapter.layers[path];
      const r = layer.A.rows;
      // Rows offset…offset+r of A: w_i·s_i·A_i (the weight and scaling ride on A, as PEFT does).
      for (let j = 0; j < layer.A.data.length; j++) A.data[offset * inFeatures + j] = weights[i] * layer.scaling * layer.A.data[j];
      // Columns offset…offset+r of B: B_i.
      for (let row = 0; row < outFeatures; row++) {
        for (let c = 0; c < r; c++) B.data[row * rank + offset + c] = layer.B.data[row * r + c];
      }
      offset += r;
    });
    layers[path] = {A, B, scaling: 1};
  }
  return {config: {rank, alpha: rank, rsLoRA: false, dropout: adapters[0].config.dropout}, layers, saved: {}};
}

/**
 * The factor-wise blend: one adapter whose factors mix the adapters' factors, so its ΔW holds
 * cross terms B_i·A_j (i ≠ j). `mode: "lorahub"` (LoraHub, arXiv:2307.13269): B = Σ w_i B_i,
 * A = Σ w_i A_i, with the adapters' common scaling s, so ΔW = s Σ_ij w_i w_j B_i A_j.
 * `mode: "peft-linear"` (PEFT's add_weighted_adapter "linear"): each factor weighted by √(w_i s_i)
 * and scaling 1, so the diagonal terms are w_i s_i B_i A_i, as in the product-wise blend.
 * All adapters need the same rank (and, for "lorahub", the same scaling).
 */
export function factorBlend(adapters: readonly Adapter[], weights: readonly number[], {mode = "lorahub"}: {mode?: "lorahub" | "peft-linear"} = {}): Adapter {
  checkCombination("factorBlend", adapters, weights);
  const {rank} = adapters[0].config;
  const firstScaling = Object.values(adapters[0].layers)[0]?.scaling;
  adapters.forEach((adapter, i) => {
    if (adapter.config.rank !== rank) throw new Error(`factorBlend: mixing factors needs one rank; adapter ${i} has r = ${adapter.config.rank}, adapter 0 has r = ${rank}`);
    if (mode === "lorahub" && Object.values(adapter.layers).some((layer) => layer.scaling !== firstScaling)) {
      throw new Error(`factorBlend: LoraHub mixes adapters of one scaling α/r; adapter ${i} differs from adapter 0`);
    }
    if (mode === "peft-linear" && weights[i] < 0) throw new Error(`factorBlend: PEFT's "linear" takes √(w·s), so weight ${i} must be ≥ 0, got ${weights[i]}`);
  });
  const layers: Adapter["layers"] = {};
  for (const path of Object.keys(adapters[0].layers)) {
    const {A: A0, B: B0} = adapters[0].layers[path];
    const A = matrix(A0.rows, A0.cols); // (r, in)
    const B = matrix(B0.rows, B0.cols); // (out, r)
    adapters.forEach((adapter, i) => {
      const layer = adapter.layers[path];
      const factorWeight = mode === "lorahub" ? weights[i] : Math.sqrt(weights[i] * layer.scaling);
      axpy(factorWeight, layer.A, A);
      axpy(factorWeight, layer.B, B);
    });
    layers[path] = {A, B, scaling: mode === "lorahub" ? adapters[0].layers[path].scaling : 1};
  }
  const alpha = mode === "lorahub" ? adapters[0].config.alpha : rank;
  return {config: {...adapters[0].config, alpha, rsLoRA: mode === "lorahub" ? adapters[0].config.rsLoRA : false}, layers, saved: {}};
}

function checkCombination(what: string, adapters: readonly Adapter[], weights: readonly number[]): void {
  if (adapters.length === 0) throw new Error(`${what}: needs at least one adapter`);
  if (weights.length !== adapters.length) throw new Error(`${what}: ${adapters.length} adapters but ${weights.length} weights`);
  weights.forEach((w, i) => {
    if (typeof w !== "number" || !Number.isFinite(w)) throw new Error(`${what}: weight ${i} must be a finite number, got ${w}`);
  });
  const paths = Object.keys(adapters[0].layers).sort();
  adapters.forEach((adapter, i) => {
    const own = Object.keys(adapter.layers).sort();
    if (own.join("\n") !== paths.join("\n")) {
      throw new Error(`${what}: adapter ${i} targets [${own.join(", ")}] but adapter 0 targets [${paths.join(", ")}]`);
    }
    for (const path of paths) {
      const {A, B} = adapter.layers[path];
      const first = adapters[0].layers[path];
      if (A.cols !== first.A.cols || B.rows !== first.B.rows) {
        throw new Error(`${what}: adapter ${i} has ${path} as ${B.rows}×${A.cols} (out × in), adapter 0 as ${first.B.rows}×${first.A.cols}`);
      }
      if (A.rows !== B.cols) throw new Error(`${what}: adapter ${i} at ${path}: A has ${A.rows} rows but B has ${B.cols} columns`);
    }
  });
}

function currentValue(model: Module, path: string, name: string): Matrix {
  const module = model.namedModules().find(([n]) => n === path)?.[1];
  const parameter = module?.ownParameters().find((p) => p.name === name);
  // checkAdapter already verified the parameter exists.
  const value = (parameter as NonNullable<typeof parameter>).value;
  return {rows: value.rows, cols: value.cols, data: value.data.slice()};
}


/**
 * True when `adapter` is `reference` stored in `dtype`: same config and layers, and every
 * factor value equal to the reference's rounded to that dtype. Names the cause of a
 * difference after loading a file: half-precision rounding, or a different adapter.
 */
export function isRoundedCopy(adapter: Adapter, reference: Adapter, dtype: SafetensorsDtype): boolean {
  const round = dtype === "F16" ? (x: number) => float16BitsToFloat32(float32ToFloat16Bits(x))
    : dtype === "BF16" ? (x: number) => bfloat16BitsToFloat32(float32ToBfloat16Bits(x)) : (x: number) => x;
  const {rank, alpha, rsLoRA} = adapter.config;
  if (rank !== reference.config.rank || alpha !== reference.config.alpha || rsLoRA !== reference.config.rsLoRA) return false;
  const paths = Object.keys(adapter.layers);
  if (paths.length !== Object.keys(reference.layers).length) return false;
  return paths.every((path) => {
    const own = adapter.layers[path], theirs = reference.layers[path];
    return theirs !== undefined && (["A", "B"] as const).every((factor) =>
      own[factor].data.length === theirs[factor].data.length && own[factor].data.every((value, i) => value === round(theirs[factor].data[i])));
  });
}

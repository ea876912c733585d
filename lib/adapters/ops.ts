// Working with several adapters on one base model (Hu et al. 2021, §4.1): switch
// tasks by subtracting B·A and adding B'·A'; blend tasks by a weighted sum of
// their ΔW (LoraHub, arXiv:2307.13269); or stack the factors (PEFT's
// add_weighted_adapter, combination_type="cat") for an exact low-rank blend.
import {type Matrix, axpy, matmul, matrix, scale} from "../matrix/index.js";
import {type Module, loraLayers, replaceModule} from "../nn/index.js";
import {type Adapter, type ApplyOptions, checkAdapter, extractAdapter, writeAdapter} from "./adapter.js";

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
 * The LoraHub-style blend, per module: ΔW = Σ_i w_i · s_i · B_i·A_i, (out × in), where s_i is
 * adapter i's own scaling. This is a weighted sum of the products; it is NOT what you get by
 * averaging the factors (Σ w_i B_i)(Σ w_i A_i) — that adds cross terms B_i·A_j (i ≠ j) between
 * adapters whose ranks never trained together, and is all the wrong scale besides.
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


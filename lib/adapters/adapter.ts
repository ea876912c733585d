// An adapter as plain data, detached from any model: per adapted layer A (r × in),
// B (out × r) and the scaling, plus the fully trained modules_to_save. Pages keep
// several of these, switch between them, blend them and save them; `applyAdapter`
// puts one into a model and checks everything before it changes anything.
import {type Matrix, allFinite, clone} from "../matrix/index.js";
import {type BiasMode, Linear, LoRALinear, type Module, findModule, loraLayers, matchesModule, replaceModule} from "../nn/index.js";
import {type Rng, rng} from "../random.js";

/** The hyperparameters shared by every layer of an adapter (PEFT's r, lora_alpha, use_rslora, lora_dropout). */
export interface AdapterConfig {
  rank: number;
  alpha: number;
  rsLoRA: boolean;
  dropout: number;
  /** Which biases were trained with the adapter (PEFT's `bias`); absent means "none". */
  bias?: BiasMode;
}

/** One adapted layer: ΔW = scaling · B·A, (out × in). */
export interface AdapterLayer {
  /** A (r × in). */
  A: Matrix;
  /** B (out × r). */
  B: Matrix;
  /** α/r, or α/√r with rsLoRA; always `scalingOf(config)`. */
  scaling: number;
}

/** A LoRA adapter as data: layers by module path ("layers.0"), modules_to_save by path then parameter name. */
export interface Adapter {
  config: AdapterConfig;
  layers: Record<string, AdapterLayer>;
  saved: Record<string, Record<string, Matrix>>;
  /** Trained biases (1 × out) by Linear path, under config.bias "lora_only" (adapted layers) or "all". */
  biases?: Record<string, Matrix>;
}

/** The scaling a config implies, computed exactly as LoRALinear computes it. */
export function scalingOf({rank, alpha, rsLoRA}: AdapterConfig): number {
  return rsLoRA ? alpha / Math.sqrt(rank) : alpha / rank;
}

/** Options for `extractAdapter`. */
export interface ExtractOptions {
  /** Modules trained in full to save with the adapter, matched as injectLoRA matches them. */
  modulesToSave?: readonly string[];
  /** Which biases to save; default: read from the model (which bias parameters are trainable). */
  bias?: BiasMode;
}

/** Copies the model's LoRA layers (and modules_to_save) into an Adapter; all layers must share one config. */
export function extractAdapter(model: Module, {modulesToSave = [], bias}: ExtractOptions = {}): Adapter {
  const adapted = loraLayers(model);
  if (adapted.length === 0) throw new Error("extractAdapter: the model has no LoRA layers");
  const [firstName, first] = adapted[0];
  const config = configOf(first);
  const layers: Record<string, AdapterLayer> = {};
  for (const [name, layer] of adapted) {
    const own = configOf(layer);
    // One adapter_config.json holds one r and one α; differing layers would need PEFT's rank_pattern.
    for (const key of ["rank", "alpha", "rsLoRA", "dropout"] as const) {
      if (own[key] !== config[key]) {
        throw new Error(`extractAdapter: ${name} has ${key} ${own[key]} but ${firstName} has ${config[key]}; one adapter needs one config`);
      }
    }
    layers[name] = {A: clone(layer.loraA.value), B: clone(layer.loraB.value), scaling: layer.scaling};
  }
  const saved: Record<string, Record<string, Matrix>> = {};
  const savedAt = savedPaths(model, modulesToSave);
  for (const path of savedAt) {
    saved[path] = Object.fromEntries(findModule(model, path).ownParameters().map((p) => [p.name, clone(p.value)]));
  }
  // Biases as PEFT saves them: "lora_only" the adapted layers' own, "all" every Linear's (modules_to_save carry theirs).
  const linears = biasedLinears(model, savedAt);
  const mode = bias ?? (linears.some(({adapted, linear}) => !adapted && linear.bias!.trainable) ? "all"
    : linears.some(({linear}) => linear.bias!.trainable) ? "lora_only" : "none");
  if (mode === "none") return {config, layers, saved};
  const biases: Record<string, Matrix> = {};
  for (const {path, adapted, linear} of linears) if (mode === "all" || adapted) biases[path] = clone(linear.bias!.value);
  return {config: {...config, bias: mode}, layers, saved, biases};
}

/** Every Linear with a bias, by its path (a LoRA layer's base under the LoRA layer's path), modules_to_save left out. */
function biasedLinears(model: Module, savedAt: readonly string[]): {path: string; adapted: boolean; linear: Linear}[] {
  const bases = new Set(loraLayers(model).map(([, layer]) => layer.base));
  const found: {path: string; adapted: boolean; linear: Linear}[] = [];
  for (const [path, module] of model.namedModules()) {
    if (savedAt.includes(path) || bases.has(module as Linear)) continue;
    const adapted = module instanceof LoRALinear;
    const linear = adapted ? module.base : module instanceof Linear ? module : null;
    if (linear?.bias) found.push({path, adapted, linear});
  }
  return found;
}

/** The module paths that `modulesToSave` patterns name; each must be a leaf module outside every LoRA layer. */
export function savedPaths(model: Module, modulesToSave: readonly string[]): string[] {
  const modules = model.namedModules().filter(([name]) => name !== "");
  const adapted = loraLayers(model).map(([name]) => name);
  for (const pattern of modulesToSave) {
    if (!modules.some(([name]) => matchesModule(name, pattern))) throw new Error(`modulesToSave: "${pattern}" matches no module`);
  }
  const paths = modules.filter(([name]) => modulesToSave.some((p) => matchesModule(name, p)));
  for (const [name, module] of paths) {
    if (adapted.some((a) => name === a || name.startsWith(`${a}.`))) throw new Error(`modulesToSave: "${name}" is part of a LoRA layer`);
    // Saved tensors are keyed "<path>.<parameter>", so a module with submodules would be ambiguous.
    if (module.children().length > 0) throw new Error(`modulesToSave: "${name}" (${module.kind}) has submodules; name its leaf layers`);
  }
  return paths.map(([name]) => name);
}

/** Options for `applyAdapter` and `switchAdapter`. */
export interface ApplyOptions {
  /** Draws the dropout masks of LoRA layers this call creates; default rng(0). */
  random?: Rng;
}

/**
 * Loads `adapter` into the model, wrapping a plain Linear in a new LoRALinear or overwriting an
 * existing (unmerged) LoRALinear's A and B. Every check runs first and every problem is reported
 * in one Error; if any check fails the model is left untouched.
 */
export function applyAdapter(model: Module, adapter: Adapter, options: ApplyOptions = {}): void {
  const problems = checkAdapter(model, adapter, {allowMerged: false, allowOtherLoRA: false});
  if (problems.length > 0) throw new Error(`applyAdapter: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  writeAdapter(model, adapter, options);
}

/** Every reason `adapter` does not fit `model`, as sentences naming the module; empty when it fits. */
export function checkAdapter(
  model: Module,
  adapter: Adapter,
  {allowMerged = false, allowOtherLoRA = false}: {allowMerged?: boolean; allowOtherLoRA?: boolean} = {}
): string[] {
  const problems: string[] = [];
  const {rank, alpha, rsLoRA, dropout} = adapter.config;
  if (!Number.isInteger(rank) || rank < 1) problems.push(`config: rank must be a whole number ≥ 1, got ${rank}`);
  if (typeof alpha !== "number" || !Number.isFinite(alpha) || alpha <= 0) problems.push(`config: alpha must be a finite number > 0, got ${alpha}`);
  if (typeof rsLoRA !== "boolean") problems.push(`config: rsLoRA must be true or false, got ${rsLoRA}`);
  if (typeof dropout !== "number" || !(dropout >= 0 && dropout < 1)) problems.push(`config: dropout must be in [0, 1), got ${dropout}`);
  const modules = new Map(model.namedModules());
  for (const [path, {A, B, scaling}] of Object.entries(adapter.layers)) {
    const module = modules.get(path);
    if (path === "" || !module) {
      problems.push(`${path}: the model has no module of that name`);
      continue;
    }
    const base = module instanceof LoRALinear ? module.base : module instanceof Linear ? module : null;
    if (!base) {
      problems.push(`${path}: is a ${module.kind}; adapters apply to Linear layers only`);
      continue;
    }
    if (module instanceof LoRALinear && module.isMerged && !allowMerged) {
      problems.push(`${path}: its LoRA layer is merged; unmerge it first (or use switchAdapter)`);
    }
    const {inFeatures: k, outFeatures: d} = base;
    if (rank > Math.min(k, d)) problems.push(`${path}: rank ${rank} exceeds min(in, out) = ${Math.min(k, d)}`);
    if (A.rows !== rank || A.cols !== k) problems.push(`${path}: A is ${A.rows}×${A.cols}, expected ${rank}×${k} (r × in)`);
    if (B.rows !== d || B.cols !== rank) problems.push(`${path}: B is ${B.rows}×${B.cols}, expected ${d}×${rank} (out × r)`);
    if (!allFinite(A) || !allFinite(B)) problems.push(`${path}: A or B has a non-finite value`);
    if (scaling !== scalingOf(adapter.config)) problems.push(`${path}: scaling ${scaling} disagrees with the config's ${scalingOf(adapter.config)}`);
    else if (A.rows === rank && B.cols === rank && A.cols === k && B.rows === d) {
      const overflow = mergedOverflow(base.weight.value, A, B, scaling);
      if (overflow) problems.push(`${path}: ${overflow}; the model's outputs would be non-finite`);
    }
  }
  for (const [path, value] of Object.entries(adapter.biases ?? {})) {
    const module = modules.get(path);
    const linear = module instanceof LoRALinear ? module.base : module instanceof Linear ? module : null;
    if (!linear?.bias) problems.push(`${path}: the adapter has a trained bias here but the model has no Linear bias at ${path}`);
    else if (value.rows !== 1 || value.cols !== linear.outFeatures) problems.push(`${path}.bias: is ${value.rows}×${value.cols}, the model's is 1×${linear.outFeatures}`);
    else if (!allFinite(value) || value.data.some((b) => Math.abs(b) > FLOAT32_MAX / 2)) problems.push(`${path}.bias: has a non-finite or overflowing value`);
  }
  if (!allowOtherLoRA) {
    for (const [path] of loraLayers(model)) {
      if (!(path in adapter.layers)) problems.push(`${path}: the model has a LoRA layer here that the adapter does not cover`);
    }
  }
  for (const [path, values] of Object.entries(adapter.saved)) {
    const module = modules.get(path);
    if (path === "" || !module) {
      problems.push(`${path}: modules_to_save names a module the model does not have`);
      continue;
    }
    if (module.children().length > 0 || path in adapter.layers) {
      problems.push(`${path}: modules_to_save must name a leaf module that is not adapted`);
      continue;
    }
    const own = new Map(module.ownParameters().map((p) => [p.name, p.value]));
    for (const [name, value] of Object.entries(values)) {
      const target = own.get(name);
      if (!target) problems.push(`${path}.${name}: unexpected; ${path} has ${[...own.keys()].join(", ")}`);
      else if (target.rows !== value.rows || target.cols !== value.cols) {
        problems.push(`${path}.${name}: is ${value.rows}×${value.cols}, the model's is ${target.rows}×${target.cols}`);
      } else if (!allFinite(value)) problems.push(`${path}.${name}: has a non-finite value`);
    }
    for (const name of own.keys()) if (!(name in values)) problems.push(`${path}.${name}: missing`);
  }
  return problems;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Why W0 + scaling·B·A is not a usable float32 weight (an entry overflows, or is so large that one
 * product with a unit input would), or null. Computed in float64, so it cannot overflow itself.
 */
function mergedOverflow(W0: Matrix, A: Matrix, B: Matrix, scaling: number): string | null {
  if (!Number.isFinite(Math.fround(scaling))) return `scaling α/r = ${scaling} overflows float32`;
  const rank = A.rows, inFeatures = A.cols;
  // A product x·Wᵀ sums `in` terms: keep every |W| below FLOAT32_MAX / in so that inputs of size ≤ 1 stay finite.
  const limit = FLOAT32_MAX / inFeatures;
  let largest = 0;
  for (let o = 0; o < B.rows; o++) {
    for (let i = 0; i < inFeatures; i++) {
      let delta = 0;
      for (let j = 0; j < rank; j++) delta += B.data[o * rank + j] * A.data[j * inFeatures + i]; // (out, r) @ (r, in) -> (out, in)
      largest = Math.max(largest, Math.abs(W0.data[o * inFeatures + i] + scaling * delta));
    }
  }
  return largest < limit ? null : `W0 + scaling·B·A reaches |${largest.toExponential(2)}|, beyond float32's safe range ${limit.toExponential(2)}`;
}

/** Writes a checked adapter into the model (no checks: callers run checkAdapter first). */
export function writeAdapter(model: Module, adapter: Adapter, {random = rng(0)}: ApplyOptions = {}): void {
  const {rank, alpha, rsLoRA, dropout} = adapter.config;
  for (const [path, {A, B}] of Object.entries(adapter.layers)) {
    let layer = findModule(model, path);
    const same = layer instanceof LoRALinear && layer.rank === rank && layer.alpha === alpha &&
      layer.scaling === scalingOf(adapter.config) && layer.dropout === dropout;
    if (!same) {
      const base = layer instanceof LoRALinear ? layer.base : (layer as Linear);
      layer = new LoRALinear(base, {rank, alpha, rsLoRA, dropout}, random);
      replaceModule(model, path, layer);
    }
    // Copy into the existing arrays: an optimizer holding these Parameters keeps working.
    (layer as LoRALinear).loraA.value.data.set(A.data);
    (layer as LoRALinear).loraB.value.data.set(B.data);
  }
  for (const [path, values] of Object.entries(adapter.saved)) {
    for (const p of findModule(model, path).ownParameters()) p.value.data.set(values[p.name].data);
  }
  for (const [path, value] of Object.entries(adapter.biases ?? {})) {
    const module = findModule(model, path);
    (module instanceof LoRALinear ? module.base : (module as Linear)).bias!.value.data.set(value.data);
  }
}

function configOf(layer: LoRALinear): AdapterConfig {
  return {rank: layer.rank, alpha: layer.alpha, rsLoRA: layer.scalingRule === "alpha/sqrt-r", dropout: layer.dropout};
}

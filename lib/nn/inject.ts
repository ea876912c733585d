// Adapting a model in one call, like PEFT's get_peft_model: wrap the Linear layers
// named by `targetModules` with the chosen variant's layer (a LoRALinear), freeze everything else, and keep
// trainable only what the caller names (`modulesToSave`, `bias`).
import type {Rng} from "../random.js";
import {Linear} from "./linear.js";
import {type LoRAConfig, LoRALinear} from "./lora.js";
import type {Module} from "./module.js";
import {type LoRAVariant, loraVariant} from "./variants.js";

/** Which biases stay trainable, as in PEFT: none, every bias, or only the adapted layers' biases. */
export type BiasMode = "none" | "all" | "lora_only";

/** LoRAConfig plus where to put adapters and what else to train. */
export interface InjectOptions extends LoRAConfig {
  /** Module names to adapt: an exact dotted name ("layers.0") or a suffix of one ("0" matches "layers.0"). */
  targetModules: readonly string[];
  /** Modules trained in full (e.g. a new classification head), matched like targetModules. */
  modulesToSave?: readonly string[];
  /** Which biases stay trainable; default "none". */
  bias?: BiasMode;
  /** Which LoRA variant wraps each target: its id in `loraVariants`, or a LoRAVariant itself; default "lora". */
  variant?: string | LoRAVariant;
}

/** True when `name` is `pattern` or ends with "." + pattern (PEFT's rule). */
export function matchesModule(name: string, pattern: string): boolean {
  return name === pattern || name.endsWith(`.${pattern}`);
}

/** Wraps the target Linear layers in place; returns the adapters by name. Everything else ends up frozen. */
export function injectLoRA(model: Module, options: InjectOptions, random: Rng): [string, LoRALinear][] {
  const {targetModules, modulesToSave = [], bias = "none", variant = "lora", ...config} = options;
  const {create} = typeof variant === "string" ? loraVariant(variant) : variant;
  if (targetModules.length === 0) throw new RangeError("targetModules must name at least one module, got []");
  if (!["none", "all", "lora_only"].includes(bias)) {
    throw new RangeError(`bias must be "none", "all" or "lora_only", got ${bias}`);
  }
  const modules = model.namedModules().filter(([name]) => name !== "");
  const names = modules.map(([name]) => name);
  requireMatches("targetModules", targetModules, names);
  requireMatches("modulesToSave", modulesToSave, names);

  const targets = modules.filter(([name]) => targetModules.some((t) => matchesModule(name, t)));
  for (const [name, module] of targets) {
    if (!(module instanceof Linear)) {
      throw new RangeError(`targetModules: "${name}" is a ${module.kind}; LoRA here adapts Linear layers only`);
    }
  }
  for (const p of model.parameters()) p.trainable = false;

  const adapters: [string, LoRALinear][] = [];
  const shared = new Map<string, unknown>(); // tensors a variant shares across layers (VeRA)
  for (const [name, module] of targets) {
    const adapter = create(module as Linear, config, random, shared);
    replaceModule(model, name, adapter);
    adapters.push([name, adapter]);
  }

  if (bias === "all") {
    for (const p of model.parameters()) if (p.name === "bias") p.trainable = true;
  } else if (bias === "lora_only") {
    for (const [, adapter] of adapters) if (adapter.base.bias) adapter.base.bias.trainable = true;
  }
  for (const [name, module] of model.namedModules()) {
    if (name !== "" && modulesToSave.some((m) => matchesModule(name, m))) {
      for (const p of module.parameters()) p.trainable = true;
    }
  }
  return adapters;
}

/** The module at a dotted path ("" is the model itself). */
export function findModule(model: Module, name: string): Module {
  const found = model.namedModules().find(([n]) => n === name);
  if (!found) throw new RangeError(`no module named "${name}"`);
  return found[1];
}

/** Puts `module` at the dotted `path` of the model. */
export function replaceModule(model: Module, path: string, module: Module): void {
  const dot = path.lastIndexOf(".");
  const parent = dot < 0 ? model : findModule(model, path.slice(0, dot));
  parent.setChild(path.slice(dot + 1), module);
}

/** Every LoRALinear in the model, by name. */
export function loraLayers(model: Module): [string, LoRALinear][] {
  return model.namedModules().filter((e): e is [string, LoRALinear] => e[1] instanceof LoRALinear);
}

/** Folds every adapter into its base weight (W0 += scaling·B·A). */
export function mergeLoRA(model: Module): void {
  for (const [, layer] of loraLayers(model)) layer.merge();
}

/** Undoes `mergeLoRA` (W0 −= scaling·B·A). */
export function unmergeLoRA(model: Module): void {
  for (const [, layer] of loraLayers(model)) layer.unmerge();
}

function requireMatches(argument: string, patterns: readonly string[], names: string[]): void {
  for (const pattern of patterns) {
    if (!names.some((name) => matchesModule(name, pattern))) {
      throw new RangeError(`${argument}: "${pattern}" matches no module; the model has ${names.join(", ")}`);
    }
  }
}

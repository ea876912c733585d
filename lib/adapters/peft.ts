// Hugging Face PEFT's adapter layout, so an adapter trained here opens in PEFT and back:
//   adapter_model.safetensors  base_model.model.<path>.lora_A.weight  [r, in]
//                              base_model.model.<path>.lora_B.weight  [out, r]
//                              base_model.model.<path>.<param>        modules_to_save, e.g. …layers.4.weight
//                              base_model.model.<path>.base_layer.bias an adapted layer's trained bias (bias "lora_only" or "all")
//                              base_model.model.<path>.bias            another Linear's trained bias (bias "all")
//   adapter_config.json        LoraConfig's fields (peft_type "LORA", r, lora_alpha, target_modules, …)
// PEFT's get_peft_model_state_dict (src/peft/utils/save_and_load.py) drops the adapter name
// ("lora_A.default.weight" -> "lora_A.weight"), and a modules_to_save wrapper returns its copy's
// state dict under the wrapper's own path (ModulesToSaveWrapper.adapter_state_dict in
// src/peft/utils/other.py), so "…<path>.modules_to_save.default.weight" is saved as "…<path>.weight".
// Biases: for bias "all" get_peft_model_state_dict keeps every state-dict key containing "bias"; a
// LoRA layer wraps its Linear as `base_layer`, so an adapted layer's bias is "…<path>.base_layer.bias",
// the key set_peft_model_state_dict loads. (For "lora_only" PEFT ≤ 0.19 looked up "…<path>.bias"
// and silently saved nothing: huggingface/peft#3306; we write the key that loads.)
import {type BiasMode, type Module, matchesModule} from "../nn/index.js";
import {type Adapter, type ApplyOptions, applyAdapter, scalingOf} from "./adapter.js";
import {type SafetensorsDtype, type SafetensorsTensor, type TensorToWrite, readSafetensors, writeSafetensors} from "./safetensors.js";
import {toMatrix, toTensor} from "./tensors.js";

/** The file names PEFT's save_pretrained writes and from_pretrained reads. */
export const PEFT_FILES = {weights: "adapter_model.safetensors", config: "adapter_config.json"} as const;

/** The prefix PeftModel puts before the base model's module paths. */
export const PEFT_PREFIX = "base_model.model.";

/** adapter_config.json for LoRA, with the fields PEFT writes (PEFT adds more in newer versions; readers ignore them). */
export interface PeftLoraConfig {
  alpha_pattern: Record<string, number>;
  base_model_name_or_path: string | null;
  bias: BiasMode;
  fan_in_fan_out: false;
  inference_mode: boolean;
  init_lora_weights: boolean | "gaussian";
  layers_pattern: string | null;
  layers_to_transform: number[] | null;
  lora_alpha: number;
  lora_dropout: number;
  modules_to_save: string[] | null;
  peft_type: "LORA";
  r: number;
  rank_pattern: Record<string, number>;
  revision: string | null;
  target_modules: string[];
  task_type: string | null;
  use_dora: false;
  use_rslora: boolean;
}

/** The two files of a PEFT adapter: the config's JSON text and the safetensors bytes. */
export interface PeftFiles {
  config: string;
  weights: Uint8Array;
}

/** Options for `writePeftAdapter`. */
export interface PeftWriteOptions {
  /** base_model_name_or_path: which base model the adapter belongs to; default null. */
  baseModel?: string | null;
  /** PEFT's task_type ("SEQ_CLS", "CAUSAL_LM", …); default null (a bare model, no task head wrapper). */
  taskType?: string | null;
  /** init_lora_weights: true (Kaiming-uniform A, PEFT's default) or "gaussian"; only matters for a new adapter. */
  initLoraWeights?: boolean | "gaussian";
  /** target_modules; default the adapted layers' full paths. Each path must match one (as a suffix). */
  targetModules?: readonly string[];
  /** modules_to_save; default the adapter's saved paths, or null when it has none. */
  modulesToSave?: readonly string[] | null;
  /** Storage dtype of the tensors; default F32. */
  dtype?: SafetensorsDtype;
}

/** PEFT's key for an adapted layer's factor: "base_model.model.layers.0.lora_A.weight". */
export function peftLoraKey(path: string, factor: "A" | "B"): string {
  return `${PEFT_PREFIX}${path}.lora_${factor}.weight`;
}

/** PEFT's key for a trained bias: "…<path>.base_layer.bias" on an adapted layer, "…<path>.bias" elsewhere. */
export function peftBiasKey(path: string, adapted: boolean): string {
  return `${PEFT_PREFIX}${path}.${adapted ? "base_layer." : ""}bias`;
}

/** The adapter_config.json object for an adapter. */
export function peftConfig(adapter: Adapter, options: PeftWriteOptions = {}): PeftLoraConfig {
  const {baseModel = null, taskType = null, initLoraWeights = true} = options;
  const paths = Object.keys(adapter.layers);
  const savedPaths = Object.keys(adapter.saved);
  const targetModules = [...(options.targetModules ?? paths)];
  const modulesToSave = options.modulesToSave === undefined ? (savedPaths.length ? savedPaths : null) : options.modulesToSave;
  for (const path of paths) {
    if (!targetModules.some((t) => matchesModule(path, t))) throw new Error(`peftConfig: ${path} is adapted but matches no target_modules entry`);
  }
  for (const path of savedPaths) {
    if (!modulesToSave?.some((m) => matchesModule(path, m))) throw new Error(`peftConfig: ${path} is saved but matches no modules_to_save entry`);
  }
  const {rank, alpha, rsLoRA, dropout} = adapter.config;
  // Keys in PEFT's order: it writes json.dumps(…, indent=2, sort_keys=True).
  return {
    alpha_pattern: {},
    base_model_name_or_path: baseModel,
    bias: adapter.config.bias ?? "none",
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: initLoraWeights,
    layers_pattern: null,
    layers_to_transform: null,
    lora_alpha: alpha,
    lora_dropout: dropout,
    modules_to_save: modulesToSave ? [...modulesToSave] : null,
    peft_type: "LORA",
    r: rank,
    rank_pattern: {},
    revision: null,
    target_modules: targetModules,
    task_type: taskType,
    use_dora: false,
    use_rslora: rsLoRA
  };
}

/** Both files of a PEFT adapter, ready to download (the weights with metadata {format: "pt"}, as PEFT saves). */
export function writePeftAdapter(adapter: Adapter, options: PeftWriteOptions = {}): PeftFiles {
  const config = peftConfig(adapter, options);
  const tensors = new Map<string, TensorToWrite>();
  for (const [path, {A, B}] of Object.entries(adapter.layers)) {
    tensors.set(peftLoraKey(path, "A"), toTensor("lora_A", A, options.dtype)); // [r, in]
    tensors.set(peftLoraKey(path, "B"), toTensor("lora_B", B, options.dtype)); // [out, r]
  }
  for (const [path, values] of Object.entries(adapter.saved)) {
    for (const [name, value] of Object.entries(values)) tensors.set(`${PEFT_PREFIX}${path}.${name}`, toTensor(name, value, options.dtype));
  }
  for (const [path, value] of Object.entries(adapter.biases ?? {})) {
    tensors.set(peftBiasKey(path, path in adapter.layers), toTensor("bias", value, options.dtype)); // [out]
  }
  return {config: `${JSON.stringify(config, null, 2)}\n`, weights: writeSafetensors(tensors, {format: "pt"})};
}

/**
 * Parses and checks a PEFT LoRA adapter: the config's fields, then every tensor key, shape and
 * value. Throws one Error listing every problem. Unsupported features (DoRA, rank_pattern,
 * fan_in_fan_out, regex target_modules) are reported, not ignored; trained biases are read
 * under the config's `bias` ("lora_only": adapted layers' only, "all": any Linear's).
 */
export function readPeftAdapter(files: PeftFiles): Adapter {
  const config = checkConfig(files.config);
  const {tensors} = readSafetensors(files.weights);
  const problems: string[] = [];
  const rank = config.r;
  const factors = new Map<string, {A?: {key: string; shape: number[]}; B?: {key: string; shape: number[]}}>();
  const adapter: Adapter = {
    config: {rank, alpha: config.lora_alpha, rsLoRA: config.use_rslora, dropout: config.lora_dropout},
    layers: {},
    saved: {}
  };
  const biases: Record<string, {key: string; adapted: boolean; tensor: SafetensorsTensor}> = {};
  for (const [key, tensor] of tensors) {
    const match = /^base_model\.model\.(.+)\.lora_([AB])\.weight$/.exec(key);
    if (match) {
      const [, path, factor] = match;
      const entry = factors.get(path) ?? {};
      entry[factor as "A" | "B"] = {key, shape: tensor.shape};
      factors.set(path, entry);
      continue;
    }
    const bias = /^base_model\.model\.(.+?)(\.base_layer)?\.bias$/.exec(key);
    if (bias && config.bias !== "none" && !config.modules_to_save?.some((m) => matchesModule(bias[1], m))) {
      biases[bias[1]] = {key, adapted: Boolean(bias[2]), tensor};
      continue;
    }
    const dot = key.lastIndexOf(".");
    const path = key.startsWith(PEFT_PREFIX) ? key.slice(PEFT_PREFIX.length, dot) : "";
    if (path && config.modules_to_save?.some((m) => matchesModule(path, m))) {
      try {
        (adapter.saved[path] ??= {})[key.slice(dot + 1)] = toMatrix(key, tensor);
      } catch (error) {
        problems.push((error as Error).message);
      }
    } else {
      problems.push(`"${key}": unexpected key (neither base_model.model.<path>.lora_A/B.weight nor a modules_to_save parameter)`);
    }
  }
  for (const [path, {A, B}] of factors) {
    if (!config.target_modules.some((t) => matchesModule(path, t))) problems.push(`${path}: not matched by target_modules [${config.target_modules.join(", ")}]`);
    if (!A || !B) {
      problems.push(`"${peftLoraKey(path, A ? "B" : "A")}": missing (its partner ${A ? "lora_A" : "lora_B"} is present)`);
      continue;
    }
    if (A.shape.length !== 2 || A.shape[0] !== rank) problems.push(`"${A.key}": shape [${A.shape.join(", ")}], expected [r = ${rank}, in]`);
    if (B.shape.length !== 2 || B.shape[1] !== rank) problems.push(`"${B.key}": shape [${B.shape.join(", ")}], expected [out, r = ${rank}]`);
    const a = tensors.get(A.key)!;
    const b = tensors.get(B.key)!;
    if (A.shape.length === 2 && B.shape.length === 2) {
      adapter.layers[path] = {A: toMatrix(A.key, a), B: toMatrix(B.key, b), scaling: scalingOf(adapter.config)};
    }
  }
  if (factors.size === 0) problems.push("the weights hold no lora_A/lora_B tensors");
  if (config.bias !== "none") {
    adapter.config.bias = config.bias;
    adapter.biases = {};
    for (const [path, {key, adapted, tensor}] of Object.entries(biases)) {
      // "lora_only" saves adapted layers' biases alone; older PEFT wrote them without "base_layer".
      if (config.bias === "lora_only" && !factors.has(path)) problems.push(`"${key}": a bias of a layer that is not adapted, but bias is "lora_only"`);
      else if (adapted && !factors.has(path)) problems.push(`"${key}": a base_layer bias of a layer with no lora_A/lora_B`);
      else if (tensor.shape.length !== 1) problems.push(`"${key}": shape [${tensor.shape.join(", ")}], expected [out]`);
      else adapter.biases[path] = toMatrix(key, tensor);
    }
  }
  if (problems.length > 0) throw new Error(`readPeftAdapter: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  return adapter;
}

/** readPeftAdapter then applyAdapter: on any problem, in the files or against the model, nothing changes. */
export function loadPeftAdapter(model: Module, files: PeftFiles, options: ApplyOptions = {}): Adapter {
  const adapter = readPeftAdapter(files);
  applyAdapter(model, adapter, options);
  return adapter;
}

function checkConfig(text: string): PeftLoraConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`adapter_config.json is not valid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error("adapter_config.json must hold a JSON object");
  const c = raw as Record<string, unknown>;
  const problems: string[] = [];
  const field = (name: string, ok: boolean, wanted: string) => {
    if (!ok) problems.push(`${name}: ${wanted}, got ${JSON.stringify(c[name])}`);
  };
  const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === "object" && Object.keys(v as object).length === 0);
  const isStrings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
  field("peft_type", c.peft_type === "LORA", `must be "LORA"`);
  field("r", Number.isInteger(c.r) && (c.r as number) >= 1, "must be a whole number ≥ 1");
  field("lora_alpha", typeof c.lora_alpha === "number" && Number.isFinite(c.lora_alpha) && c.lora_alpha > 0, "must be a finite number > 0");
  field("target_modules", isStrings(c.target_modules) && (c.target_modules as string[]).length > 0, "must be a non-empty list of module names (regex strings are not supported)");
  field("lora_dropout", c.lora_dropout === undefined || (typeof c.lora_dropout === "number" && c.lora_dropout >= 0 && c.lora_dropout < 1), "must be a number in [0, 1)");
  field("use_rslora", c.use_rslora === undefined || typeof c.use_rslora === "boolean", "must be true or false");
  field("bias", c.bias === undefined || c.bias === "none" || c.bias === "lora_only" || c.bias === "all", `must be "none", "lora_only" or "all"`);
  field("modules_to_save", c.modules_to_save === undefined || c.modules_to_save === null || isStrings(c.modules_to_save), "must be null or a list of module names");
  field("fan_in_fan_out", !c.fan_in_fan_out, "must be false (transposed Conv1D weights are not supported)");
  field("use_dora", !c.use_dora, "must be false (DoRA is not supported)");
  field("rank_pattern", isEmpty(c.rank_pattern), "must be empty (per-layer ranks are not supported)");
  field("alpha_pattern", isEmpty(c.alpha_pattern), "must be empty (per-layer alphas are not supported)");
  if (problems.length > 0) throw new Error(`adapter_config.json: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  return {
    ...(c as unknown as PeftLoraConfig),
    bias: (c.bias as BiasMode | undefined) ?? "none",
    lora_dropout: (c.lora_dropout as number | undefined) ?? 0,
    use_rslora: (c.use_rslora as boolean | undefined) ?? false,
    modules_to_save: (c.modules_to_save as string[] | null | undefined) ?? null
  };
}

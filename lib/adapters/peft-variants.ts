// PEFT's files for the variants with tensors of their own, read and written from a model's layers:
//   DoRA  (LoraConfig use_dora=True): …<path>.lora_A.weight [r, in], …lora_B.weight [out, r],
//         …<path>.lora_magnitude_vector [out]  (PEFT strips the ".weight" of its DoraLayer)
//   VeRA  (VeraConfig, save_projection=True): base_model.vera_A [r, max in], base_model.vera_B [max out, r],
//         …<path>.vera_lambda_b [out], …<path>.vera_lambda_d [r]
// Key names and shapes were checked against files PEFT 0.21.0 wrote (test/fixtures/variants).
// Reading is strict as readPeftAdapter is: every problem is listed and nothing changes on any.
// PiSSA and NF4 layers are plain LoRA on disk (writePeftAdapter; PiSSA after pissaToLoRA).
import {type Matrix, allFinite, matrix} from "../matrix/index.js";
import {DoRALinear, type LoRALinear, type Module, VeRALinear, findModule, injectLoRA, loraLayers, loraVariant} from "../nn/index.js";
import type {Rng} from "../random.js";
import {PEFT_PREFIX, type PeftFiles, peftLoraKey} from "./peft.js";
import {readSafetensors, type TensorToWrite, writeSafetensors} from "./safetensors.js";
import {toMatrix} from "./tensors.js";

/** The two variants whose PEFT files carry more than lora_A/lora_B. */
export type PeftVariant = "dora" | "vera";

/** Which variant the model's adapted layers are: all DoRA, all VeRA, or an error. */
function variantOf(layers: [string, LoRALinear][]): PeftVariant {
  if (layers.length > 0 && layers.every(([, l]) => l instanceof DoRALinear)) return "dora";
  if (layers.length > 0 && layers.every(([, l]) => l instanceof VeRALinear)) return "vera";
  throw new Error("writePeftVariantAdapter: the model's adapted layers must all be DoRA or all VeRA");
}

const row = (m: Matrix): TensorToWrite => ({dtype: "F32", shape: [m.cols], data: m.data}); // 1 × n -> [n]
const mat = (m: Matrix): TensorToWrite => ({dtype: "F32", shape: [m.rows, m.cols], data: m.data});

/** adapter_config.json and adapter_model.safetensors for a model adapted with DoRA or VeRA. */
export function writePeftVariantAdapter(model: Module): PeftFiles {
  const layers = loraLayers(model);
  const variant = variantOf(layers);
  const [, first] = layers[0];
  const paths = layers.map(([path]) => path);
  const tensors = new Map<string, TensorToWrite>();
  let config: Record<string, unknown>;
  if (variant === "dora") {
    for (const [path, layer] of layers) {
      tensors.set(peftLoraKey(path, "A"), mat(layer.loraA.value));
      tensors.set(peftLoraKey(path, "B"), mat(layer.loraB.value));
      tensors.set(`${PEFT_PREFIX}${path}.lora_magnitude_vector`, row((layer as DoRALinear).magnitude.value));
    }
    config = {
      alpha_pattern: {}, base_model_name_or_path: null, bias: "none", fan_in_fan_out: false, inference_mode: true,
      init_lora_weights: true, layers_pattern: null, layers_to_transform: null, lora_alpha: first.alpha,
      lora_dropout: first.dropout, modules_to_save: null, peft_type: "LORA", r: first.rank, rank_pattern: {},
      revision: null, target_modules: paths, task_type: null, use_dora: true, use_rslora: first.scalingRule === "alpha/sqrt-r"
    };
  } else {
    const {projection} = first as VeRALinear;
    tensors.set("base_model.vera_A", mat(projection.A));
    tensors.set("base_model.vera_B", mat(projection.B));
    for (const [path, layer] of layers) {
      tensors.set(`${PEFT_PREFIX}${path}.vera_lambda_b`, row((layer as VeRALinear).lambdaB.value));
      tensors.set(`${PEFT_PREFIX}${path}.vera_lambda_d`, row((layer as VeRALinear).lambdaD.value));
    }
    config = {
      base_model_name_or_path: null, bias: "none", d_initial: 0.1, fan_in_fan_out: false, inference_mode: true,
      init_weights: true, layers_pattern: null, layers_to_transform: null, modules_to_save: null, peft_type: "VERA",
      projection_prng_key: 0, r: first.rank, revision: null, save_projection: true, target_modules: paths,
      task_type: null, vera_dropout: first.dropout
    };
  }
  return {config: `${JSON.stringify(config, null, 2)}\n`, weights: writeSafetensors(tensors, {format: "pt"})};
}

/**
 * Reads a DoRA or VeRA adapter written by PEFT (or writePeftVariantAdapter) into a model whose
 * target layers are plain Linear: checks the config, every key and shape first, then injects the
 * variant and copies the tensors. Throws one Error listing every problem; on any, nothing changes.
 */
export function loadPeftVariantAdapter(model: Module, files: PeftFiles, random: Rng): PeftVariant {
  const problems: string[] = [];
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(files.config);
  } catch (error) {
    throw new Error(`adapter_config.json is not valid JSON (${(error as Error).message})`);
  }
  const variant: PeftVariant | null = c.peft_type === "VERA" ? "vera" : c.peft_type === "LORA" && c.use_dora === true ? "dora" : null;
  if (!variant) throw new Error(`adapter_config.json: expected peft_type "LORA" with use_dora true, or "VERA"; got ${JSON.stringify(c.peft_type)} (use_dora ${JSON.stringify(c.use_dora)})`);
  const rank = c.r as number;
  const targets = c.target_modules as string[];
  if (!Number.isInteger(rank) || rank < 1) problems.push(`r: must be a whole number ≥ 1, got ${JSON.stringify(c.r)}`);
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === "string")) problems.push("target_modules: must be a non-empty list of module names");
  if (c.fan_in_fan_out) problems.push("fan_in_fan_out: must be false");
  if (c.bias !== undefined && c.bias !== "none") problems.push(`bias: must be "none", got ${JSON.stringify(c.bias)}`);
  if (variant === "dora" && !(typeof c.lora_alpha === "number" && c.lora_alpha > 0)) problems.push("lora_alpha: must be a number > 0");
  if (variant === "vera" && c.save_projection !== true) problems.push("save_projection: must be true (the projection must be in the file; PEFT's PRNG is not reproduced here)");
  for (const key of ["rank_pattern", "alpha_pattern"]) if (c[key] && Object.keys(c[key] as object).length > 0) problems.push(`${key}: must be empty`);
  if (problems.length > 0) throw new Error(`adapter_config.json: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);

  const {tensors} = readSafetensors(files.weights);
  const perLayer = variant === "dora" ? ["lora_A.weight", "lora_B.weight", "lora_magnitude_vector"] : ["vera_lambda_b", "vera_lambda_d"];
  const values = new Map<string, Record<string, Matrix>>();
  const projectionKeys = variant === "vera" ? ["base_model.vera_A", "base_model.vera_B"] : [];
  for (const [key, tensor] of tensors) {
    if (projectionKeys.includes(key)) continue;
    const suffix = perLayer.find((s) => key.startsWith(PEFT_PREFIX) && key.endsWith(`.${s}`));
    if (!suffix) {
      problems.push(`"${key}": unexpected key for ${variant === "dora" ? "DoRA" : "VeRA"}`);
      continue;
    }
    const path = key.slice(PEFT_PREFIX.length, -suffix.length - 1);
    (values.get(path) ?? values.set(path, {}).get(path)!)[suffix] = toMatrix(key, tensor);
  }
  for (const key of projectionKeys) if (!tensors.has(key)) problems.push(`"${key}": missing`);
  const modules = new Map(model.namedModules());
  for (const [path, found] of values) {
    const module = modules.get(path);
    if (!targets.includes(path) && !targets.some((t) => path.endsWith(`.${t}`))) problems.push(`${path}: not matched by target_modules`);
    if (!module || module.kind !== "Linear") {
      problems.push(`${path}: the model has no plain Linear layer there${module ? ` (it is a ${module.kind})` : ""}`);
      continue;
    }
    const {inFeatures: k, outFeatures: d} = module as unknown as {inFeatures: number; outFeatures: number};
    const expected: Record<string, [number, number]> = variant === "dora"
      ? {"lora_A.weight": [rank, k], "lora_B.weight": [d, rank], lora_magnitude_vector: [1, d]}
      : {vera_lambda_b: [1, d], vera_lambda_d: [1, rank]};
    for (const [name, [rows, cols]] of Object.entries(expected)) {
      const value = found[name];
      if (!value) problems.push(`${path}.${name}: missing`);
      else if (value.rows !== rows || value.cols !== cols) problems.push(`${path}.${name}: ${value.rows}×${value.cols}, expected ${rows}×${cols}`);
      else if (!allFinite(value)) problems.push(`${path}.${name}: has a non-finite value`);
    }
    if (variant === "vera") {
      const A = tensors.get("base_model.vera_A");
      const B = tensors.get("base_model.vera_B");
      if (A && (A.shape[0] !== rank || A.shape[1] < k)) problems.push(`base_model.vera_A: [${A.shape.join(", ")}] is not r = ${rank} × at least in = ${k} (${path})`);
      if (B && (B.shape[1] !== rank || B.shape[0] < d)) problems.push(`base_model.vera_B: [${B.shape.join(", ")}] is not at least out = ${d} × r = ${rank} (${path})`);
    }
  }
  if (values.size === 0) problems.push("the weights hold no adapted layer");
  if (problems.length > 0) throw new Error(`loadPeftVariantAdapter: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);

  const paths = [...values.keys()];
  const alpha = variant === "dora" ? (c.lora_alpha as number) : rank;
  const layers = injectLoRA(model, {targetModules: paths, rank, alpha, rsLoRA: c.use_rslora === true, variant}, random);
  if (variant === "vera") {
    const projection = (layers[0][1] as VeRALinear).projection;
    projection.A = toMatrix("base_model.vera_A", tensors.get("base_model.vera_A")!);
    projection.B = toMatrix("base_model.vera_B", tensors.get("base_model.vera_B")!);
  }
  for (const path of paths) {
    const layer = findModule(model, path) as LoRALinear;
    const found = values.get(path)!;
    if (variant === "dora") {
      layer.loraA.value.data.set(found["lora_A.weight"].data);
      layer.loraB.value.data.set(found["lora_B.weight"].data);
    }
    loraVariant(variant).peftTensors!.read(layer, Object.fromEntries(Object.entries(found).map(([k, v]) => [k, matrix(v.rows, v.cols, v.data)])));
  }
  return variant;
}

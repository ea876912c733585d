// The base model's own weights as safetensors, named as PyTorch names them
// ("layers.0.weight", "layers.0.bias"): LoRA factors are left out and a LoRA layer's
// base_layer is written under the original Linear's name, so the file is the base
// model a PEFT adapter refers to by base_model_name_or_path.
import type {Matrix} from "../matrix/index.js";
import {LoRALinear, type Module, type Parameter, loraLayers} from "../nn/index.js";
import {type SafetensorsDtype, type TensorToWrite, readSafetensors, writeSafetensors} from "./safetensors.js";
import {shapeMatches, toMatrix, toTensor, torchShape} from "./tensors.js";

/** Options for `writeModelWeights`. */
export interface ModelWeightsOptions {
  /** Storage dtype; default F32 (lossless). */
  dtype?: SafetensorsDtype;
  /** Write merged layers as they are (W0 + ΔW: a merged fine-tuned model) instead of refusing. */
  allowMerged?: boolean;
}

/** The base parameters by PyTorch name, LoRA factors excluded, "base_layer" segments removed. */
export function baseParameters(model: Module): Map<string, Parameter> {
  const lora = new Set(loraLayers(model).flatMap(([, layer]) => [layer.loraA, layer.loraB]));
  const out = new Map<string, Parameter>();
  for (const [name, p] of model.namedParameters()) {
    if (!lora.has(p)) out.set(name.replace(/(^|\.)base_layer(?=\.)/g, ""), p);
  }
  return out;
}

/** Serialises the base model's parameters to safetensors bytes (keys sorted, metadata {format: "pt"}). */
export function writeModelWeights(model: Module, {dtype = "F32", allowMerged = false}: ModelWeightsOptions = {}): Uint8Array {
  const merged = mergedLayers(model);
  if (merged.length > 0 && !allowMerged) {
    throw new Error(`writeModelWeights: ${merged.join(", ")} hold W0 + ΔW (merged); unmerge first or pass allowMerged`);
  }
  const tensors = new Map<string, TensorToWrite>();
  for (const [name, p] of baseParameters(model)) tensors.set(name, toTensor(name, p.value, dtype));
  return writeSafetensors(tensors, {format: "pt"});
}

/**
 * Loads base weights into the model: every parameter must be in the file with its exact shape,
 * and no other key may be. All problems are reported together; on any, nothing is written.
 */
export function loadModelWeights(model: Module, bytes: Uint8Array): void {
  const {tensors} = readSafetensors(bytes);
  const parameters = baseParameters(model);
  const problems: string[] = [];
  const merged = mergedLayers(model);
  if (merged.length > 0) problems.push(`${merged.join(", ")}: merged LoRA layers; unmerge before replacing W0`);
  const values = new Map<string, Matrix>();
  for (const [name, p] of parameters) {
    const tensor = tensors.get(name);
    if (!tensor) problems.push(`${name}: missing from the file`);
    else if (!shapeMatches(name, p.value, tensor.shape)) {
      problems.push(`${name}: shape [${tensor.shape.join(", ")}] in the file, [${torchShape(name, p.value).join(", ")}] in the model`);
    } else values.set(name, toMatrix(name, tensor));
  }
  for (const key of tensors.keys()) if (!parameters.has(key)) problems.push(`${key}: unexpected key; the model has no such parameter`);
  if (problems.length > 0) throw new Error(`loadModelWeights: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  for (const [name, p] of parameters) p.value.data.set((values.get(name) as Matrix).data);
}

function mergedLayers(model: Module): string[] {
  return loraLayers(model).filter(([, layer]: [string, LoRALinear]) => layer.isMerged).map(([name]) => name);
}

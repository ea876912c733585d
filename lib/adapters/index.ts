// Adapters as files and as values: safetensors, PEFT's layout, and switching, blending and concatenating adapters.
export * from "./float16.js";
export * from "./safetensors.js";
export * from "./tensors.js";
export * from "./weights.js";
export * from "./adapter.js";
export * from "./peft.js";
export * from "./ops.js";
export * from "./serving.js";

// Layers, LoRA and model accounting.
export * from "./parameter.js";
export * from "./module.js";
export * from "./linear.js";
export * from "./activations.js";
export * from "./embedding.js";
export * from "./loss.js";
export * from "./sequential.js";
export * from "./charmlp.js";
export * from "./lora.js";
export * from "./inject.js";
export * from "./variants.js";
export * from "./count.js";
export * from "./layernorm.js";
export * from "./position.js";
export * from "./attention.js";
export * from "./transformer.js";
export * from "./gpt.js";

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
export * from "./dora.js";
export * from "./pissa.js";
export * from "./vera.js";
export * from "./qlora.js";
export * from "./count.js";

// Optimizers, gradient clipping and LoRA+ learning-rate ratios.
export * from "./optimizer.js";
export * from "./sgd.js";
export * from "./adam.js";
export * from "./clip.js";
export * from "./loraplus.js";

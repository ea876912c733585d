// The training loop's one step, evaluation and dataset helpers.
export * from "./data.js";
export * from "./evaluate.js";
export * from "./trainer.js";
export * from "./text.js";
export * from "./language-model.js";

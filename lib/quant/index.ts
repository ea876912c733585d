// Quantised storage for frozen base weights: NF4 as in QLoRA.
export * from "./nf4.js";

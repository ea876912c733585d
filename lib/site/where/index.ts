// The "Where to put LoRA" page's experiments: target sets and budgets (Table 5),
// ranks (Table 6), the learning-rate sweep, and one run shared by workers and loader.
export * from "./budget.js";
export * from "./configs.js";
export * from "./run.js";
export * from "./plan.js";

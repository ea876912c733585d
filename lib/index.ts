// The `lora` API, the engine: what pages, workers, data loaders, tests and live cells
// import to train LoRA anywhere. The site's page-specific experiments live in lib/site
// (entry point lib/site/index.ts) and are not part of it.
export * from "./matrix/index.js";
export * from "./random.js";
export * from "./check.js";
export * from "./format.js";
export * from "./analysis/index.js";
export * from "./nn/index.js";
export * from "./optim/index.js";
export * from "./train/index.js";
export * from "./adapters/index.js";
// Importing lib changes nothing: the reference TypeScript kernels run until the
// importer calls useFastKernels() (pages, workers, loaders, bench do; tests run both).

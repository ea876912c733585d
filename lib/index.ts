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

import {useFastKernels} from "./matrix/index.js";
// Every importer (page, worker, loader, test) gets the WebAssembly SIMD matmuls,
// tens of times faster than the TypeScript ones; without WebAssembly SIMD it keeps the TS path.
useFastKernels();

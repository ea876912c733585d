// The `lora` API: everything pages, workers, data loaders, tests and live cells use.
export * from "./matrix/index.js";
export * from "./random.js";
export * from "./analysis/index.js";
export * from "./nn/index.js";
export * from "./optim/index.js";
export * from "./train/index.js";

import {useFastKernels} from "./matrix/index.js";
// Every importer (page, worker, loader, test) gets the WebAssembly SIMD matmuls,
// tens of times faster than the TypeScript ones; without WebAssembly SIMD it keeps the TS path.
useFastKernels();
export * from "./savings.js";
export * from "./experiments/index.js";
export * from "./tasks/index.js";
export * from "./adapters/index.js";

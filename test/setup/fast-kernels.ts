// The "wasm" test project runs the engine's tests again with the WebAssembly SIMD
// kernels installed, the engine pages, workers and loaders choose; the default
// project keeps the reference TypeScript kernels, what importing lib gives.
import {useFastKernels} from "../../lib/index.js";

if (!useFastKernels()) throw new Error("the wasm test project needs WebAssembly SIMD (run npm run build:wasm)");

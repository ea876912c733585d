// Runs the same code on both engines, for tests that hold the WebAssembly kernels
// to the TypeScript reference on identical inputs.
import {referenceKernels, setKernels, wasmKernels} from "../../lib/index.js";

/** Runs `body` once with the TypeScript engine and once with wasm (restoring the engine after); returns both results. */
export function bothEngines<T>(body: () => T): {typescript: T; wasm: T} {
  const previous = setKernels(referenceKernels);
  try {
    const typescript = body();
    setKernels(wasmKernels!);
    const wasm = body();
    return {typescript, wasm};
  } finally {
    setKernels(previous);
  }
}

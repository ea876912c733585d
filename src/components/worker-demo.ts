// A tiny worker that proves lib runs off the main thread: it receives a size,
// builds a seeded matrix with lib and answers with its Frobenius norm and the
// name of the matmul engine in use there.
import {useFastKernels, frobeniusNorm, kernels, matmul, matrix, fillNormal, rng} from "../_generated/lib/index.js";

// This worker wants the WebAssembly SIMD kernels (the TypeScript ones where SIMD is missing).
useFastKernels();

self.onmessage = (event: MessageEvent<{size: number; seed: number}>) => {
  const {size, seed} = event.data;
  const a = fillNormal(rng(seed), new Float32Array(size * size), 1);
  const m = matrix(size, size, a);
  const product = matmul(m, m); // (n, n) @ (n, n) -> (n, n)
  self.postMessage({norm: frobeniusNorm(product), engine: kernels().name});
};

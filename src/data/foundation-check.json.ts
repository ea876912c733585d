// A build-time data loader that imports lib: the same seeded computation the
// index page runs in a cell and in a worker, written once here as JSON so the
// page can show that all three agree.
import {useFastKernels, fillNormal, frobeniusNorm, kernels, matmul, matrix, rng} from "../../lib/index.js";

// The WebAssembly SIMD matmuls, as the page's worker uses them: lib leaves the engine to its importer.
useFastKernels();

const size = 16;
const seed = 7;
const m = matrix(size, size, fillNormal(rng(seed), new Float32Array(size * size), 1));
const product = matmul(m, m); // (16, 16) @ (16, 16) -> (16, 16)
process.stdout.write(JSON.stringify({size, seed, norm: frobeniusNorm(product), engine: kernels().name}));

// Entry point of the WebAssembly module (built by scripts/build-wasm.mjs into
// lib/wasm/generated/kernels.ts). No runtime, no GC: every function takes byte
// offsets into linear memory that the JS side (lib/wasm/module.ts) lays out.
export {heapBase, matmul, matmulTransB, matmulTransA} from "./matmul";
export {adam, axpy, sumOfSquares} from "./optim";
export {addRowVector, relu, reluBackward, gelu, geluBackward} from "./elementwise";
export {attentionForward, attentionBackward} from "./attention";
export {layerNormForward, layerNormBackward} from "./layernorm";

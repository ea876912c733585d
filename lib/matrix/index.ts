// The matrix module: the Matrix type, element-wise ops and the engine-dispatched matmuls.
export * from "./matrix.js";
export {Arena, arenaOf, withArena} from "./arena.js";
export * from "./ops.js";
export * from "./engine.js";
export {referenceKernels, checkInner, type MatmulKernels} from "./reference.js";
export * from "./wasm.js";

// The fast matmul engine: WebAssembly SIMD kernels (lib/wasm/assembly) behind the
// same `MatmulKernels` interface as the reference path, so layers never know
// which one runs. Operands are copied into the module's memory, multiplied there
// and the product copied back: a copy is a memcpy, a few percent of a 64×256×256
// product (see bench/matmul.ts). A layer's weights are copied on every call, not
// kept there: they are plain Float32Arrays that lib, pages and readers' cells
// write in place, so a kept copy could go stale unnoticed (docs/performance.md).
import {kernelsModule, workspace} from "../wasm/module.js";
import {type Matrix, output} from "./matrix.js";
import {type MatmulKernels, checkInner, referenceKernels} from "./reference.js";
import {kernels, setKernels} from "./engine.js";

type Product = "matmul" | "matmulTransB" | "matmulTransA";

const TILE_ROWS = 4; // must match lib/wasm/assembly/matmul.ts
const TILE_COLS = 8;
const TRANS_B_PANEL_ROWS = 8; // matmulTransB packs a's rows 8 to a panel (tileInPlace's two vectors)

// c (m×n) = product of a and b (shapes already checked), via the module.
function multiply(product: Product, a: Matrix, b: Matrix, c: Matrix, m: number, k: number, n: number, accumulate: boolean): void {
  if (!kernelsModule || !workspace) throw new Error("WebAssembly SIMD kernels are unavailable");
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!accumulate) c.data.fill(0); // an empty sum
    return;
  }
  // Packed panels are zero-padded to whole 4-row and 8-column tiles; matmulTransB
  // packs only a, into 8-row panels, and reads b in place (lib/wasm/assembly/matmul.ts).
  const transB = product === "matmulTransB";
  const packedALength = transB ? Math.ceil(m / TRANS_B_PANEL_ROWS) * TRANS_B_PANEL_ROWS * k : Math.ceil(m / TILE_ROWS) * TILE_ROWS * k;
  const packedBLength = transB ? 0 : Math.ceil(n / TILE_COLS) * TILE_COLS * k;
  const partialLength = Math.ceil(m / TILE_ROWS) * TILE_ROWS * TILE_COLS; // one column of tiles' running sums between k blocks
  const [aAt, bAt, cAt, packedAAt, packedBAt, partialAt] =
    workspace.reserve(a.data.length, b.data.length, m * n, packedALength, packedBLength, partialLength);
  const memory = workspace.view();
  memory.set(a.data, aAt);
  memory.set(b.data, bAt);
  if (accumulate) memory.set(c.data, cAt);
  kernelsModule[product](aAt * 4, bAt * 4, cAt * 4, packedAAt * 4, packedBAt * 4, partialAt * 4, m, k, n, accumulate);
  c.data.set(memory.subarray(cAt, cAt + m * n));
}

function createKernels(): MatmulKernels | null {
  if (!kernelsModule) return null;
  return {
    name: "wasm-simd",

    matmul(a, b, out, accumulate = false) {
      checkInner("matmul", a.cols, b.rows, a, b);
      const m = a.rows, k = a.cols, n = b.cols;
      const c = output("matmul", m, n, out);
      multiply("matmul", a, b, c, m, k, n, accumulate); // (m×k)·(k×n) -> (m×n)
      return c;
    },

    matmulTransB(a, b, out, accumulate = false) {
      checkInner("matmulTransB", a.cols, b.cols, a, b);
      const m = a.rows, k = a.cols, n = b.rows;
      const c = output("matmulTransB", m, n, out);
      multiply("matmulTransB", a, b, c, m, k, n, accumulate); // (m×k)·(n×k)ᵀ -> (m×n)
      return c;
    },

    matmulTransA(a, b, out, accumulate = false) {
      checkInner("matmulTransA", a.rows, b.rows, a, b);
      const k = a.rows, m = a.cols, n = b.cols;
      const c = output("matmulTransA", m, n, out);
      multiply("matmulTransA", a, b, c, m, k, n, accumulate); // (k×m)ᵀ·(k×n) -> (m×n)
      return c;
    }
  };
}

/** The WebAssembly SIMD kernels ("wasm-simd"), or null where WebAssembly or SIMD is missing. */
export const wasmKernels: MatmulKernels | null = createKernels();

/**
 * Installs the WebAssembly kernels for every matmul; returns whether it could.
 * Without them the reference TypeScript kernels ("typescript") stay in place.
 */
export function useFastKernels(): boolean {
  setKernels(wasmKernels ?? referenceKernels);
  return wasmKernels !== null;
}

/**
 * Whether the WebAssembly engine is the one in use (by name, so a timing wrapper
 * around it counts too). Element-wise kernels and Adam follow the matmuls' engine,
 * so `setKernels(referenceKernels)` gives a pure-TypeScript run for comparison.
 */
export function fastKernelsActive(): boolean {
  return wasmKernels !== null && kernels().name === wasmKernels.name;
}

/** Which WebAssembly build runs: "relaxed-simd" (fused multiply-add matmul tile) where the host asked for it (Node's relaxed-SIMD flag), else "simd"; null without SIMD. */
export {kernelsBuild, type KernelsBuild} from "../wasm/module.js";

// The same module's vectorised Adam, axpy and layer kernels on Float32Arrays.
export {adamUpdateWasm, axpyWasm, sumOfSquaresWasm, type AdamConstants} from "../wasm/optim.js";
export {addRowVectorWasm, reluBackwardWasm, reluWasm} from "../wasm/elementwise.js";
export {
  attentionBackwardWasm, attentionForwardWasm, geluBackwardWasm, geluWasm, layerNormBackwardWasm, layerNormForwardWasm, type AttentionShape
} from "../wasm/transformer.js";

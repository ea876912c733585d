// Which matmul kernels run: the reference TypeScript path until a fast engine is
// installed. Every layer calls these three functions, never an engine directly,
// so switching engines (or falling back where WebAssembly is missing) is one call.
import type {Matrix} from "./matrix.js";
import {type MatmulKernels, referenceKernels} from "./reference.js";

let active: MatmulKernels = referenceKernels;

/** Installs a kernel set (e.g. the WebAssembly one); returns the previous. */
export function setKernels(kernels: MatmulKernels): MatmulKernels {
  const previous = active;
  active = kernels;
  return previous;
}

/** The kernels in use now. */
export function kernels(): MatmulKernels {
  return active;
}

/** a (m×k) · b (k×n) -> (m×n) */
export function matmul(a: Matrix, b: Matrix, out?: Matrix, accumulate = false): Matrix {
  return active.matmul(a, b, out, accumulate);
}

/** a (m×k) · bᵀ with b (n×k) -> (m×n); the input gradient dX = dY·Wᵀ. */
export function matmulTransB(a: Matrix, b: Matrix, out?: Matrix, accumulate = false): Matrix {
  return active.matmulTransB(a, b, out, accumulate);
}

/** aᵀ · b with a (k×m), b (k×n) -> (m×n); the weight gradient dW = Xᵀ·dY. */
export function matmulTransA(a: Matrix, b: Matrix, out?: Matrix, accumulate = false): Matrix {
  return active.matmulTransA(a, b, out, accumulate);
}

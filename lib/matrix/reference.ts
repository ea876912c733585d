// Reference matmul kernels in plain TypeScript: short, obviously correct, and the
// ground truth the fast WebAssembly path is tested against. The three products are
// the ones a training step needs (tfjs BatchMatMul_grad): forward Y = X·W, and the
// two gradient products dX = dY·Wᵀ and dW = Xᵀ·dY, computed without materialising
// a transpose.
import {type Matrix, output} from "./matrix.js";

/** The kernel set an engine provides; `accumulate` adds into `out` (gradients use +=). */
export interface MatmulKernels {
  name: string;
  /** a (m×k) · b (k×n) -> (m×n) */
  matmul(a: Matrix, b: Matrix, out?: Matrix, accumulate?: boolean): Matrix;
  /** a (m×k) · bᵀ, b is (n×k) -> (m×n) */
  matmulTransB(a: Matrix, b: Matrix, out?: Matrix, accumulate?: boolean): Matrix;
  /** aᵀ · b, a is (k×m), b is (k×n) -> (m×n) */
  matmulTransA(a: Matrix, b: Matrix, out?: Matrix, accumulate?: boolean): Matrix;
}

/** Throws a RangeError naming both shapes when a product's inner dimensions differ. */
export function checkInner(what: string, left: number, right: number, a: Matrix, b: Matrix): void {
  if (left !== right) {
    throw new RangeError(`${what}: inner dimensions differ (${a.rows}×${a.cols} and ${b.rows}×${b.cols})`);
  }
}

export const referenceKernels: MatmulKernels = {
  name: "typescript",

  matmul(a, b, out, accumulate = false) {
    checkInner("matmul", a.cols, b.rows, a, b);
    const m = a.rows, k = a.cols, n = b.cols;
    const c = output("matmul", m, n, out);
    if (!accumulate) c.data.fill(0);
    // i-p-j order: the inner loop walks rows of b and c contiguously.
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const aip = a.data[i * k + p];
        if (aip === 0) continue;
        const bRow = p * n, cRow = i * n;
        for (let j = 0; j < n; j++) c.data[cRow + j] += aip * b.data[bRow + j];
      }
    }
    return c;
  },

  matmulTransB(a, b, out, accumulate = false) {
    checkInner("matmulTransB", a.cols, b.cols, a, b);
    const m = a.rows, k = a.cols, n = b.rows;
    const c = output("matmulTransB", m, n, out);
    // c[i][j] = row i of a · row j of b: two contiguous dot products.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a.data[i * k + p] * b.data[j * k + p];
        c.data[i * n + j] = accumulate ? c.data[i * n + j] + sum : sum;
      }
    }
    return c;
  },

  matmulTransA(a, b, out, accumulate = false) {
    checkInner("matmulTransA", a.rows, b.rows, a, b);
    const k = a.rows, m = a.cols, n = b.cols;
    const c = output("matmulTransA", m, n, out);
    if (!accumulate) c.data.fill(0);
    // Sum of outer products of row p of a and row p of b.
    for (let p = 0; p < k; p++) {
      for (let i = 0; i < m; i++) {
        const api = a.data[p * m + i];
        if (api === 0) continue;
        const bRow = p * n, cRow = i * n;
        for (let j = 0; j < n; j++) c.data[cRow + j] += api * b.data[bRow + j];
      }
    }
    return c;
  }
};

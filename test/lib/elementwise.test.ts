// The SIMD element-wise kernels (bias add, ReLU forward and backward) give exactly
// the JavaScript loops' float32 values, on shapes with ragged tails and on the
// special values (±0, subnormal, near float32's max) where a sloppy kernel would
// differ. Infinite activations are left out: the trainer stops on a non-finite loss
// long before, and the branch-free JS ReLU turns −∞ into NaN where wasm gives 0.
import {describe, expect, it} from "vitest";
import {ReLU, SIMD_ELEMENTWISE_MIN, addRowVector, fillNormal, matrix, rng, wasmKernels, type Matrix} from "../../lib/index.js";
import {bothEngines} from "./engines.js";

const special = [0, -0, 1e-40, -1e-40, 3.4e38, -3.4e38, 1, -1];

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const m = matrix(rows, cols, fillNormal(rng(seed), new Float32Array(rows * cols)));
  m.data.set(special.slice(0, Math.min(special.length, m.data.length)));
  return m;
}

// Equal values, counting +0 and −0 as equal (dy·0 in JS keeps dy's sign; wasm masks to +0).
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || (v === 0 && b[i] === 0));

describe("SIMD element-wise kernels", () => {
  it("exist where the wasm engine does", () => {
    expect(wasmKernels).not.toBeNull();
  });

  for (const [rows, cols] of [[64, 256], [65, 67], [17, 257], [4096, 1], [1, 4099]]) {
    it(`bias add ${rows}×${cols} equals the loop exactly`, () => {
      const a = randomMatrix(rows, cols, rows + cols);
      const bias = randomMatrix(1, cols, 7);
      expect(a.data.length).toBeGreaterThanOrEqual(SIMD_ELEMENTWISE_MIN);
      const {typescript, wasm} = bothEngines(() => addRowVector(a, bias).data);
      expect(Array.from(wasm)).toEqual(Array.from(typescript));
    });

    it(`ReLU forward and backward ${rows}×${cols} equal the loops (±0 aside)`, () => {
      const x = randomMatrix(rows, cols, 3 * rows + cols);
      const dy = randomMatrix(rows, cols, 11);
      const {typescript, wasm} = bothEngines(() => {
        const relu = new ReLU();
        return {y: relu.forward(x).data, dx: relu.backward(dy).data};
      });
      expect(same(wasm.y, typescript.y)).toBe(true);
      expect(same(wasm.dx, typescript.dx)).toBe(true);
      // And the values are what ReLU means, not merely equal to each other.
      expect(Array.from(wasm.y).every((v, i) => v === Math.max(x.data[i], 0))).toBe(true);
      expect(Array.from(wasm.dx).every((v, i) => v === (x.data[i] > 0 ? dy.data[i] : 0))).toBe(true);
    });
  }
});

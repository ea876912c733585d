// The WebAssembly kernels for what attention adds (lib/wasm/assembly/attention.ts,
// layernorm.ts, GELU in elementwise.ts) against the TypeScript reference on the same
// inputs: forward outputs, input gradients and parameter gradients, on the GPT page's
// shape and on odd ones (T not a multiple of 4, T = 1, one head, head widths 3, 5
// and 20 that leave ragged vector tails). The two engines sum in different orders
// (the reference in float64), so they agree to float32 rounding, not bit for bit:
// max|wasm − ts| ≤ 2e-5·max(max|ts|, 1) per tensor, where a wrong mask, stride or
// transpose is off by O(1). The floor of 1 (inputs and dy are O(1)) is for gradients
// that are exactly 0 in exact arithmetic, where both engines give rounding noise:
// k_proj's bias (rows of dS sum to 0), q_proj's at T = 1, dx of LayerNorm over 1 feature.
import {describe, expect, it} from "vitest";
import {CausalSelfAttention, GELU, LayerNorm, type Matrix, type Module, rng, wasmKernels, zeroGrad} from "../../lib/index.js";
import {bothEngines} from "./engines.js";
import {randomMatrix} from "./gradcheck.js";
import {relativeError} from "./relative-error.js";

const TOLERANCE = 2e-5;


/** Forward on x, backward of a fixed random dy: y, dx and every parameter's gradient, by name. */
function run(module: Module, x: Matrix, sequenceLength?: number): Map<string, Float32Array> {
  zeroGrad(module.parameters());
  const y = module.forward(x, {sequenceLength});
  const dx = module.backward(randomMatrix(y.rows, y.cols, 99));
  return new Map([["y", y.data.slice()], ["dx", dx.data.slice()], ...module.namedParameters().map(([name, p]) => [`d ${name}`, p.grad.data.slice()] as const)]);
}

function expectEnginesAgree(results: {typescript: Map<string, Float32Array>; wasm: Map<string, Float32Array>}): void {
  expect([...results.wasm.keys()]).toEqual([...results.typescript.keys()]);
  for (const [name, expected] of results.typescript) {
    expect(expected.every(Number.isFinite), name).toBe(true);
    expect(relativeError(results.wasm.get(name)!, expected, 1), name).toBeLessThan(TOLERANCE);
  }
}

describe("Transformer kernels: wasm against the TypeScript reference", () => {
  it("exist where the wasm engine does", () => {
    expect(wasmKernels).not.toBeNull();
  });

  // [sequences, T, heads, C]: the page's size, then the odd ones.
  for (const [batch, T, heads, C] of [[16, 32, 4, 64], [3, 7, 1, 5], [2, 1, 2, 8], [2, 13, 3, 60], [1, 6, 2, 6], [2, 9, 2, 32]]) {
    it(`causal attention, ${batch} sequences × T ${T}, ${heads} head(s) of ${C / heads}`, () => {
      const x = randomMatrix(batch * T, C, batch + T + C);
      expectEnginesAgree(bothEngines(() => run(new CausalSelfAttention(C, heads, rng(T)), x, T)));
    });
  }

  it("causal attention with large scores (softmax must subtract the row's max)", () => {
    const x = randomMatrix(2 * 11, 16, 5, 30); // std 30: scores in the hundreds, e^s overflows unshifted
    const results = bothEngines(() => {
      const layer = new CausalSelfAttention(16, 2, rng(4));
      for (const projection of [layer.q_proj, layer.k_proj]) for (const p of projection.parameters()) p.value.data.forEach((v, i, a) => (a[i] = 4 * v));
      return run(layer, x, 11);
    });
    expectEnginesAgree(results);
  });

  for (const [rows, C] of [[512, 64], [7, 5], [3, 1], [5, 67]]) {
    it(`LayerNorm ${rows}×${C}, γ and β away from their init`, () => {
      const x = randomMatrix(rows, C, rows + C, 3);
      expectEnginesAgree(bothEngines(() => {
        const layer = new LayerNorm(C);
        layer.weight.value.data.set(randomMatrix(1, C, 1).data);
        layer.bias.value.data.set(randomMatrix(1, C, 2).data);
        return run(layer, x);
      }));
    });
  }

  it("LayerNorm frozen, without dx: leaves the gradients alone on both engines", () => {
    const results = bothEngines(() => {
      const layer = new LayerNorm(9);
      layer.weight.trainable = false;
      layer.bias.trainable = false;
      layer.weight.grad.data.fill(7);
      layer.forward(randomMatrix(4, 9, 3));
      const dx = layer.backward(randomMatrix(4, 9, 4), {inputGrad: false});
      return {dxCols: dx.cols, grads: [...layer.weight.grad.data, ...layer.bias.grad.data]};
    });
    expect(results.wasm).toEqual(results.typescript);
    expect(results.wasm.grads).toEqual([...new Array(9).fill(7), ...new Array(9).fill(0)]);
  });

  for (const count of [7, 4099]) {
    it(`GELU over ${count} values, tails and extremes included`, () => {
      const x = randomMatrix(1, count, count, 3);
      x.data.set([0, -0, 40, -40, 1e4, -1e4, 1e-30]);
      const results = bothEngines(() => run(new GELU(), x));
      // Per element: |wasm − ts| ≤ 2e-6·(1 + |x|), the tanh term's float32 rounding times the x it multiplies.
      for (const name of ["y", "dx"]) {
        const wasm = results.wasm.get(name)!, typescript = results.typescript.get(name)!;
        const worst = Math.max(...Array.from(wasm, (v, i) => Math.abs(v - typescript[i]) / (1 + Math.abs(x.data[i]))));
        expect(worst, name).toBeLessThan(2e-6);
      }
      const y = results.wasm.get("y")!;
      expect([y[0], y[2], y[3], y[4], y[5]]).toEqual([0, 40, -0, 1e4, -0]); // GELU(0) = 0, x for large x, 0 for very negative x
    });
  }
});

// Finite-difference gradient checks shared by the nn tests.
//
// The scalar checked is L = Σ y ⊙ R for a fixed random R, summed in float64, so
// dL/dy = R exactly and backward(R) must return dL/dx and add dL/dθ. Each entry
// is perturbed by ±eps and the central difference (L⁺ − L⁻)/(v⁺ − v⁻) uses the
// float32 values actually stored, so rounding the perturbation costs nothing.
//
// Tolerance: the forward runs in float32 (relative rounding ~6e-8 per value);
// with L a sum of ~100 terms of size ~1, L carries an error of ~1e-6, divided by
// 2·eps = 2e-2 that is ~5e-5; the truncation error of a central difference is
// eps²·f'''/6 ≈ 2e-5 for tanh/GELU. So |numeric − analytic| ≤ 2e-3·max(1, |analytic|)
// passes correct code with a wide margin, while the bugs this guards against
// (a missing transpose, scaling, factor 2 or sign) are off by O(0.1–1).
import {type Matrix, matrix} from "../../lib/matrix/index.js";
import {type Module, type Parameter, zeroGrad} from "../../lib/nn/index.js";
import {fillNormal, rng} from "../../lib/random.js";

export const EPS = 1e-2;
export const TOLERANCE = 2e-3;

/** Largest |numeric − analytic| / max(1, |analytic|) over the entries of `values`. */
export function worstError(values: Float32Array, analytic: Float32Array | Float64Array, loss: () => number, eps = EPS): number {
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    const saved = values[i];
    values[i] = saved + eps;
    const up = values[i];
    const lossUp = loss();
    values[i] = saved - eps;
    const down = values[i];
    const lossDown = loss();
    values[i] = saved;
    const numeric = (lossUp - lossDown) / (up - down);
    worst = Math.max(worst, Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(analytic[i])));
  }
  return worst;
}

/** Σ a ⊙ b in float64. */
export function dot(a: Matrix, b: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * b.data[i];
  return s;
}

/** A seeded Gaussian matrix. */
export function randomMatrix(rows: number, cols: number, seed: number, std = 1): Matrix {
  return matrix(rows, cols, fillNormal(rng(seed), new Float32Array(rows * cols), std));
}

/**
 * Checks a module's backward against central differences of L = Σ forward(x) ⊙ R.
 * Returns the worst error per trainable parameter (by dotted name) and for dx.
 * `beforeForward` runs before every forward (e.g. to re-seed a dropout mask).
 */
export function checkModule(
  module: Module,
  x: Matrix,
  {training = false, beforeForward = () => {}, inputGrad = true, sequenceLength}:
    {training?: boolean; beforeForward?: () => void; inputGrad?: boolean; sequenceLength?: number} = {}
): Record<string, number> {
  const forward = () => {
    beforeForward();
    return module.forward(x, {training, sequenceLength});
  };
  const y = forward();
  const R = randomMatrix(y.rows, y.cols, 99);
  const loss = () => dot(forward(), R);
  zeroGrad(module.parameters());
  forward();
  const dx = module.backward(R, {inputGrad});
  const errors: Record<string, number> = {};
  for (const [name, p] of module.namedParameters()) {
    if (p.trainable) errors[name] = worstError(p.value.data, copyGrad(p), loss);
  }
  if (inputGrad) errors.dx = worstError(x.data, dx.data.slice(), loss);
  return errors;
}

function copyGrad(p: Parameter): Float32Array {
  return p.grad.data.slice();
}

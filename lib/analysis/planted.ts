// A planted low-rank fine-tuning task: the true intrinsic rank of the needed
// change is known, so pages and tests can ask whether LoRA at rank r finds it.
//
//   W0  (d_out×d_in)  "pretrained" weight, Gaussian with std 1/√d_in, so
//                     ‖W0·x‖ ≈ ‖x‖ for Gaussian x (LeCun / Kaiming-style scale)
//   ΔW* (d_out×d_in)  = U·diag(σ)·Vᵀ with U (d_out×k), V (d_in×k) orthonormal
//   X   (n×d_in)      inputs, one example per row, standard Gaussian
//   Y   (n×d_out)     = X·(W0 + ΔW*)ᵀ (+ Gaussian noise)
//
// Why orthonormal U, V with chosen singular values rather than a product of
// Gaussians: then ΔW*'s singular values are exactly σ (not a Marchenko–Pastur
// spread), so "rank k, energy split like this" is stated rather than sampled.
// Shapes follow the paper (W0 ∈ R^{d×k}: d = d_out rows, input size columns).
import {type Matrix, add, matmulTransB, matrix} from "../matrix/index.js";
import {type Rng, fillNormal} from "../random.js";

/** Options of `plantedTask`; singularValues defaults to `plantedRank` copies of `scale`. */
export interface PlantedTaskOptions {
  /** Output size d_out (rows of W). */
  outputSize: number;
  /** Input size d_in (columns of W). */
  inputSize: number;
  /** True rank k of the planted change ΔW*, 0 ≤ k ≤ min(d_out, d_in) (k, not LoRA's r). */
  plantedRank: number;
  /** Number of examples n (rows of X and Y). */
  samples: number;
  /** ΔW*'s singular values, length k, each ≥ 0; overrides `scale`. */
  singularValues?: readonly number[];
  /** The common singular value when `singularValues` is not given; 1 matches W0's typical gain. */
  scale?: number;
  /** Standard deviation of Gaussian noise added to Y (0: noiseless targets). */
  noise?: number;
}

/** A planted task: everything needed to train on it and to grade what was learned. */
export interface PlantedTask {
  /** Pretrained weight W0 (d_out×d_in). */
  W0: Matrix;
  /** The planted change ΔW* = U·diag(σ)·Vᵀ (d_out×d_in), exactly rank k. */
  deltaW: Matrix;
  /** The target weight W0 + ΔW* (d_out×d_in). */
  target: Matrix;
  /** Left factor U (d_out×k), orthonormal columns. */
  U: Matrix;
  /** Right factor V (d_in×k), orthonormal columns. */
  V: Matrix;
  /** ΔW*'s singular values σ (length k). */
  singularValues: Float64Array;
  /** Inputs X (n×d_in). */
  X: Matrix;
  /** Targets Y = X·(W0 + ΔW*)ᵀ + noise (n×d_out). */
  Y: Matrix;
  /** The true rank k. */
  plantedRank: number;
}

function checkCount(name: string, value: number, low: number, high = Infinity): void {
  if (!Number.isInteger(value) || value < low || value > high) {
    const range = high === Infinity ? `≥ ${low}` : `in ${low}..${high}`;
    throw new RangeError(`${name} must be a whole number ${range}, got ${value}`);
  }
}

/**
 * A rows×cols matrix with orthonormal columns spanning a uniformly random (Haar)
 * subspace: Gaussian draws orthonormalised by modified Gram–Schmidt in float64,
 * run twice so the columns stay orthogonal to rounding (Kahan–Parlett). cols ≤ rows.
 */
export function randomOrthonormal(random: Rng, rows: number, cols: number): Matrix {
  checkCount("rows", rows, 0);
  checkCount("cols", cols, 0, rows);
  const columns = new Float64Array(rows * cols); // column c at [c·rows, (c+1)·rows)
  for (let i = 0; i < columns.length; i++) columns[i] = random.normal();
  for (let c = 0; c < cols; c++) {
    const own = c * rows;
    for (let pass = 0; pass < 2; pass++) {
      for (let previous = 0; previous < c; previous++) {
        let dot = 0;
        for (let t = 0; t < rows; t++) dot += columns[own + t] * columns[previous * rows + t];
        for (let t = 0; t < rows; t++) columns[own + t] -= dot * columns[previous * rows + t];
      }
    }
    let norm = 0;
    for (let t = 0; t < rows; t++) norm += columns[own + t] ** 2;
    norm = Math.sqrt(norm); // a Gaussian column in the span of the others has probability 0
    for (let t = 0; t < rows; t++) columns[own + t] /= norm;
  }
  const out = matrix(rows, cols); // row-major (rows×cols)
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out.data[r * cols + c] = columns[c * rows + r];
  return out;
}

/**
 * Generates a planted task whose needed change ΔW* has known rank k. Draw order
 * (fixed, so a seed names a task): W0, U, V, X, then the target noise.
 */
export function plantedTask(options: PlantedTaskOptions, random: Rng): PlantedTask {
  // Before plantedRank it was `rank`, the word LoRA uses for r: say so to code written then (a reader's saved cell).
  if ((options as {rank?: unknown}).rank !== undefined) throw new TypeError("plantedTask: the option `rank` is now `plantedRank` (the planted change's rank k; LoRA's rank r is another number)");
  const {outputSize, inputSize, plantedRank: k, samples, scale = 1, noise = 0} = options;
  checkCount("outputSize", outputSize, 1);
  checkCount("inputSize", inputSize, 1);
  checkCount("plantedRank", k, 0, Math.min(outputSize, inputSize));
  checkCount("samples", samples, 1);
  const sigma = Float64Array.from(options.singularValues ?? Array.from({length: k}, () => scale));
  if (sigma.length !== k) {
    throw new RangeError(`singularValues must have plantedRank = ${k} entries, got ${sigma.length}`);
  }
  if (sigma.some((s) => !(s >= 0 && Number.isFinite(s)))) {
    throw new RangeError(`singularValues must be finite and ≥ 0, got [${Array.from(sigma).join(", ")}]`);
  }
  if (!(noise >= 0 && Number.isFinite(noise))) throw new RangeError(`noise must be finite and ≥ 0, got ${noise}`);

  const W0 = matrix(outputSize, inputSize, fillNormal(random, new Float32Array(outputSize * inputSize), 1 / Math.sqrt(inputSize)));
  const U = randomOrthonormal(random, outputSize, k);
  const V = randomOrthonormal(random, inputSize, k);
  // ΔW* = U·diag(σ)·Vᵀ: (d_out×k)·diag(k)·(d_in×k)ᵀ -> (d_out×d_in)
  const scaledU = matrix(outputSize, k, U.data.map((u, index) => u * sigma[index % k]));
  const deltaW = matmulTransB(scaledU, V);
  const target = add(W0, deltaW);

  const X = matrix(samples, inputSize, fillNormal(random, new Float32Array(samples * inputSize)));
  const Y = matmulTransB(X, target); // (n×d_in)·(d_out×d_in)ᵀ -> (n×d_out)
  if (noise > 0) for (let i = 0; i < Y.data.length; i++) Y.data[i] += random.normal(0, noise);
  return {W0, deltaW, target, U, V, singularValues: sigma, X, Y, plantedRank: k};
}

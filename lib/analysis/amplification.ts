// How ΔW relates to W, the paper's §7.3 and Table 7 (Hu et al. 2021): project W
// onto the top-r singular subspace of ΔW and compare with projecting onto W's own
// top-r subspace and onto a random one. The paper writes ‖Uᵀ W Vᵀ‖_F with "U/V
// the left/right top-r singular-vector matrix"; with a = U·Σ·Vᵀ that is Uᵀ·W·V,
// an r×r matrix. Here Vt (r×k) is the top rows of the SVD's Vt, so the product
// is Uᵀ·W·Vtᵀ.
//
// The paper's numbers (GPT-3 175B, layer 48, W_q, Table 7):
//   r = 4:  ΔW_q subspace 0.32, W_q subspace 21.67, random 0.02
//   r = 64: ΔW_q subspace 1.90, W_q subspace 37.71, random 0.33
//   ‖W_q‖_F = 61.95; ‖ΔW_q‖_F = 6.91 (r = 4), 3.57 (r = 64)
//   amplification ‖ΔW_q‖_F / ‖Uᵀ W_q Vᵀ‖_F = 6.91 / 0.32 ≈ 21.5 at r = 4
// Reading: ΔW picks directions W already has but does not emphasise (0.32 is far
// below 21.67, yet above random), and amplifies them by a large factor.
import {type Matrix, assertSameShape, frobeniusNorm, matmulTransA, matmulTransB, matrix} from "../matrix/index.js";
import {type Rng, fillNormal} from "../random.js";
import {svd} from "./svd.js";

/** One row of Table 7 for a given rank r. */
export interface Amplification {
  /** The subspace rank r. */
  rank: number;
  /** ‖Uᵀ W V‖_F with U, V the top-r singular vectors of ΔW. */
  ontoDeltaW: number;
  /** ‖Uᵀ W V‖_F with U, V the top-r singular vectors of W (= √(Σ_{i≤r} σᵢ(W)²)). */
  ontoW: number;
  /** ‖Uᵀ W V‖_F with U, V the top-r singular vectors of a seeded Gaussian matrix. */
  ontoRandom: number;
  /** ‖W‖_F. */
  normW: number;
  /** ‖ΔW‖_F. */
  normDeltaW: number;
  /** ‖ΔW‖_F / ontoDeltaW: how strongly ΔW amplifies the directions it picks (∞ if W has none there, NaN if ΔW = 0). */
  factor: number;
}

/**
 * ‖Uᵀ·W·Vtᵀ‖_F for W (d×k), U (d×r) and Vt (r×k): the size of W inside the
 * subspace pair (U, V). By Ky Fan's maximum principle it is at most
 * √(Σ_{i≤r} σᵢ(W)²), reached by W's own top-r singular vectors.
 */
export function projectedNorm(weight: Matrix, U: Matrix, Vt: Matrix): number {
  if (U.rows !== weight.rows || Vt.cols !== weight.cols || U.cols !== Vt.rows) {
    throw new RangeError(
      `projectedNorm: W is ${weight.rows}×${weight.cols}, U is ${U.rows}×${U.cols}, Vt is ${Vt.rows}×${Vt.cols}; need U d×r, Vt r×k`
    );
  }
  const left = matmulTransA(U, weight); // Uᵀ·W: (d×r)ᵀ·(d×k) -> (r×k)
  return frobeniusNorm(matmulTransB(left, Vt)); // (r×k)·(r×k)ᵀ -> (r×r)
}

/** The top-r singular subspace of a as (U: d×r, Vt: r×k). */
function topSubspace(a: Matrix, rank: number): {U: Matrix; Vt: Matrix} {
  const {U, Vt} = svd(a);
  const topU = matrix(a.rows, rank);
  for (let row = 0; row < a.rows; row++) topU.data.set(U.data.subarray(row * U.cols, row * U.cols + rank), row * rank);
  return {U: topU, Vt: matrix(rank, a.cols, Vt.data.slice(0, rank * a.cols))};
}

/**
 * Table 7 for one rank r: W (d×k) projected onto the top-r singular subspaces of
 * ΔW, of W itself, and of a random Gaussian d×k matrix drawn from `random`, with
 * ‖W‖_F, ‖ΔW‖_F and the amplification factor ‖ΔW‖_F / ‖Uᵀ W V‖_F (ΔW's subspace).
 */
export function amplification(deltaW: Matrix, weight: Matrix, rank: number, random: Rng): Amplification {
  assertSameShape("amplification (ΔW vs W)", deltaW, weight);
  const limit = Math.min(weight.rows, weight.cols);
  if (!Number.isInteger(rank) || rank < 1 || rank > limit) {
    throw new RangeError(`rank must be a whole number in 1..${limit} (W is ${weight.rows}×${weight.cols}), got ${rank}`);
  }
  const project = ({U, Vt}: {U: Matrix; Vt: Matrix}) => projectedNorm(weight, U, Vt);
  const gaussian = matrix(weight.rows, weight.cols, fillNormal(random, new Float32Array(weight.rows * weight.cols)));
  const ontoDeltaW = project(topSubspace(deltaW, rank));
  const normDeltaW = frobeniusNorm(deltaW);
  return {
    rank,
    ontoDeltaW,
    ontoW: project(topSubspace(weight, rank)),
    ontoRandom: project(topSubspace(gaussian, rank)),
    normW: frobeniusNorm(weight),
    normDeltaW,
    factor: normDeltaW / ontoDeltaW
  };
}

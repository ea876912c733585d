// Reading a rank off a curve: where a loss-against-rank sweep stops improving,
// and where a singular spectrum drops from its signal to its floor.

/**
 * The elbow of a loss-against-rank sweep: the smallest rank whose loss has
 * closed all but `tolerance` of the gap between the unadapted loss (rank 0) and
 * the best loss of the sweep, i.e. loss(r) − best ≤ tolerance · (base − best).
 * With held-out losses the best is the noise floor, so noise alone never moves
 * the elbow; with a planted rank-k change whose weakest direction carries more
 * than `tolerance` of the total, the elbow is k.
 */
export function findElbow(ranks: readonly number[], losses: readonly number[], baseLoss: number, tolerance = 0.01): number {
  if (ranks.length === 0 || ranks.length !== losses.length) {
    throw new RangeError(`findElbow: need one loss per rank, got ${ranks.length} ranks and ${losses.length} losses`);
  }
  if (![baseLoss, ...losses].every(Number.isFinite)) throw new RangeError("findElbow: every loss must be finite");
  const best = Math.min(...losses);
  const gap = Math.max(0, baseLoss - best);
  const index = losses.findIndex((loss) => loss - best <= tolerance * gap);
  return ranks[index]; // the best loss itself always qualifies
}

/**
 * The rank at the largest gap of a spectrum: the i (1-based) maximising σᵢ / σᵢ₊₁
 * over the leading `limit` values (values below 1e-12·σ₁, exact zeros included,
 * count as 1e-12·σ₁, so an exact rank-k matrix gives k). A second reading of "how many directions", next
 * to effective rank, that a noise floor of many small values cannot inflate.
 */
export function spectralGapRank(singular: ArrayLike<number>, limit = singular.length - 1): number {
  const values = Array.from(singular);
  if (values.length < 2) return values.length;
  const floor = Math.max(values[0] * 1e-12, Number.MIN_VALUE);
  let best = 1, bestRatio = -Infinity;
  for (let i = 0; i < Math.min(limit, values.length - 1); i++) {
    const ratio = Math.max(values[i], floor) / Math.max(values[i + 1], floor);
    if (ratio > bestRatio) (bestRatio = ratio), (best = i + 1);
  }
  return best;
}

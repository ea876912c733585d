// 4-bit NormalFloat (NF4, Dettmers et al. 2023, arXiv:2305.14314 §3): 16 levels at quantiles of
// N(0, 1) rescaled to [−1, 1], with an exact 0. Weights are quantised block-wise: each block of
// 64 values stores its absmax (float32 here; QLoRA's double quantisation would store it in 8 bits)
// and one 4-bit code per value, the index of the nearest level to value/absmax.
// Dequantisation is level[code] · absmax of its block.

/** The 16 NF4 levels, exactly as bitsandbytes' kernels.cu (dDequantizeNF4) lists them. */
export const NF4_LEVELS: readonly number[] = Object.freeze([
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
  0.7229568362236023, 1.0
]);

/** QLoRA's block size: one absmax per 64 values. */
export const NF4_BLOCK = 64;

/** A tensor in NF4: one 4-bit code per value (kept one per byte here), one absmax per block. */
export interface NF4Tensor {
  codes: Uint8Array;
  absmax: Float32Array;
  blockSize: number;
  length: number;
}

// Decision thresholds: midpoints between neighbouring levels (round to nearest, as bitsandbytes does).
const thresholds = NF4_LEVELS.slice(1).map((level, i) => (level + NF4_LEVELS[i]) / 2);

/** Index of the NF4 level nearest to `x` (x in [−1, 1]). */
export function nearestNF4(x: number): number {
  let code = 0;
  while (code < thresholds.length && x > thresholds[code]) code++;
  return code;
}

/** Block-wise absmax NF4 quantisation of `values` (block 64 by default). */
export function quantizeNF4(values: Float32Array, blockSize = NF4_BLOCK): NF4Tensor {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`blockSize must be a whole number ≥ 1, got ${blockSize}`);
  const blocks = Math.ceil(values.length / blockSize);
  const codes = new Uint8Array(values.length);
  const absmax = new Float32Array(blocks);
  for (let block = 0; block < blocks; block++) {
    const start = block * blockSize;
    const end = Math.min(values.length, start + blockSize);
    let max = 0;
    for (let i = start; i < end; i++) max = Math.max(max, Math.abs(values[i]));
    if (!Number.isFinite(max)) throw new RangeError(`quantizeNF4: block ${block} holds a non-finite value`);
    absmax[block] = max;
    // An all-zero block maps to code 7 (the exact 0).
    for (let i = start; i < end; i++) codes[i] = nearestNF4(max === 0 ? 0 : values[i] / max);
  }
  return {codes, absmax, blockSize, length: values.length};
}

/** level[code] · absmax per value, into `out` (allocated when omitted). */
export function dequantizeNF4(q: NF4Tensor, out: Float32Array = new Float32Array(q.length)): Float32Array {
  if (out.length !== q.length) throw new RangeError(`dequantizeNF4: out holds ${out.length} values, the tensor ${q.length}`);
  for (let i = 0; i < q.length; i++) out[i] = NF4_LEVELS[q.codes[i]] * q.absmax[Math.floor(i / q.blockSize)];
  return out;
}

/** Bytes the NF4 tensor takes on a GPU: 4 bits per value plus a 32-bit absmax per block. */
export function nf4Bytes(q: NF4Tensor): number {
  return Math.ceil(q.length / 2) + 4 * q.absmax.length;
}

// Merging an adapter into a 4-bit base (PEFT's Linear4bit.merge: dequantise, add ΔW,
// re-quantise), measured rather than asserted: for a ΔW of growing size on a real W0, how far
// the merged layer's outputs move from the unmerged adapter's, and how much of the adapter's
// effect on the outputs survives the second rounding.
import {Linear, type Matrix, NF4LoRALinear, type Rng, fillNormal, frobeniusNorm, matmulTransB} from "../../index.js";

/** Test digits the demo runs through the layer: the loader and the page take the first this many, so both measure the same batch. */
export const nf4MergeExamples = 200;

/** One size of ΔW in the merge demo. */
export interface NF4MergePoint {
  /** ‖ΔW‖_F / ‖W0‖_F. */
  relativeDelta: number;
  /** Largest |merged − unmerged| over every output of the batch. */
  outputChange: number;
  /** Share of the adapter's output effect x·ΔWᵀ still there after merging and re-quantising (1 = all, 0 = none). */
  kept: number;
}

/** The demo: a random rank-`rank` ΔW scaled to each relative size, merged into NF4(W0); W0 is (out × in), inputs (B × in). */
export function nf4MergeSweep(weight: Matrix, inputs: Matrix, sizes: readonly number[], random: Rng, rank = 4): NF4MergePoint[] {
  return [...nf4MergePoints(weight, inputs, sizes, random, rank)];
}

/** The same demo one size at a time (a page draws between sizes instead of blocking for all). */
export function* nf4MergePoints(weight: Matrix, inputs: Matrix, sizes: readonly number[], random: Rng, rank = 4): Generator<NF4MergePoint> {
  const w0Norm = frobeniusNorm(weight);
  const a = fillNormal(random, new Float32Array(rank * weight.cols));
  const b = fillNormal(random, new Float32Array(weight.rows * rank));
  for (const relativeDelta of sizes) {
    const base = new Linear(weight.cols, weight.rows, random, {bias: false});
    base.weight.value.data.set(weight.data);
    const layer = new NF4LoRALinear(base, {rank}, random);
    layer.loraA.value.data.set(a);
    layer.loraB.value.data.set(b);
    const scale = (relativeDelta * w0Norm) / frobeniusNorm(layer.deltaW());
    for (let i = 0; i < b.length; i++) layer.loraB.value.data[i] = b[i] * scale;
    const quantizedBase = matmulTransB(inputs, base.weight.value); // (B, in) @ (out, in)ᵀ -> (B, out): NF4(W0) alone
    const unmerged = layer.forward(inputs).data.slice(); // NF4(W0) x + ΔW x
    layer.merge();
    const merged = layer.forward(inputs).data; // NF4(NF4(W0) + ΔW) x
    let outputChange = 0, along = 0, effectSquared = 0;
    for (let i = 0; i < merged.length; i++) {
      outputChange = Math.max(outputChange, Math.abs(merged[i] - unmerged[i]));
      const effect = unmerged[i] - quantizedBase.data[i];
      along += (merged[i] - quantizedBase.data[i]) * effect;
      effectSquared += effect * effect;
    }
    yield {relativeDelta, outputChange, kept: effectSquared > 0 ? along / effectSquared : 0};
  }
}

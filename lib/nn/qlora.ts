// LoRA on a 4-bit NormalFloat base (QLoRA, Dettmers et al. 2023, arXiv:2305.14314): the frozen
// W0 is stored as NF4 codes with one absmax per 64 values and dequantised on the fly in every
// forward (into a scratch buffer, the base weight's array); the adapter trains in float32 on top.
// Backward is LoRA's: W0 is frozen, so only the dequantised values reach dx.
// Merging follows PEFT's Linear4bit.merge: dequantise, add ΔW, re-quantise; a ΔW smaller than
// half a quantisation step rounds away, so merged outputs differ from the unmerged adapter's.
import type {Matrix} from "../matrix/index.js";
import {type NF4Tensor, dequantizeNF4, quantizeNF4} from "../quant/nf4.js";
import type {Rng} from "../random.js";
import type {Linear} from "./linear.js";
import {type LoRAConfig, LoRALinear} from "./lora.js";
import type {ForwardContext} from "./module.js";
import type {LoRAVariant} from "./variants.js";

/** A LoRALinear whose frozen base weight lives in NF4. */
export class NF4LoRALinear extends LoRALinear {
  /** The base weight's NF4 storage (what a GPU would hold). */
  quantized: NF4Tensor;
  /** W0 in float32 before quantisation, kept only so pages can measure the quantisation error. */
  readonly original: Float32Array;

  /** Quantises `base.weight` to NF4 (block 64) and wraps it like LoRALinear. */
  constructor(base: Linear, config: LoRAConfig, random: Rng) {
    super(base, config, random);
    this.original = base.weight.value.data.slice();
    this.quantized = quantizeNF4(this.original);
    dequantizeNF4(this.quantized, base.weight.value.data);
  }

  override forward(x: Matrix, context: ForwardContext = {}): Matrix {
    dequantizeNF4(this.quantized, this.base.weight.value.data); // on the fly: W0 = level[code]·absmax
    return super.forward(x, context);
  }

  /** Dequantise, add ΔW, re-quantise (PEFT's 4-bit merge); the adapter path then stops. */
  override merge(): void {
    if (this.merged) throw new Error("NF4LoRALinear: already merged");
    const w = dequantizeNF4(this.quantized);
    const delta = this.deltaW();
    for (let k = 0; k < w.length; k++) w[k] += delta.data[k];
    this.quantized = quantizeNF4(w);
    dequantizeNF4(this.quantized, this.base.weight.value.data);
    this.merged = true;
  }

  /** Dequantise, subtract ΔW, re-quantise: lossy, as in PEFT (a second rounding). */
  override unmerge(): void {
    if (!this.merged) throw new Error("NF4LoRALinear: not merged");
    const w = dequantizeNF4(this.quantized);
    const delta = this.deltaW();
    for (let k = 0; k < w.length; k++) w[k] -= delta.data[k];
    this.quantized = quantizeNF4(w);
    dequantizeNF4(this.quantized, this.base.weight.value.data);
    this.merged = false;
  }
}

/** LoRA on an NF4 base (QLoRA); PEFT's files are plain LoRA files, the base loads with load_in_4bit. */
export const nf4 = {
  name: "nf4",
  label: "LoRA on NF4 base (QLoRA)",
  create: (base, config, random) => new NF4LoRALinear(base, config, random)
} as const satisfies LoRAVariant;

// PiSSA (Meng et al. 2024, arXiv:2404.02948), as PEFT's pissa_init (tuners/lora/layer.py) does it:
// W0 = U·S·Vᵀ (out × in); with s the LoRA scaling,
//   A = diag(√(S_r / s))·V_rᵀ (r × in),  B = U_r·diag(√(S_r / s)) (out × r),
// so s·B·A = U_r·S_r·V_rᵀ is W0's best rank-r part, and the frozen base keeps the residual
// W0 − s·B·A. The model at step 0 is the base model (residual + adapter = W0, to rounding),
// but training now moves the principal directions instead of a zero-initialised B.
// The layer is a plain LoRALinear afterwards: forward, backward and merge are LoRA's.
import {svd} from "../analysis/svd.js";
import {matrix} from "../matrix/index.js";
import type {Rng} from "../random.js";
import type {Linear} from "./linear.js";
import {type LoRAConfig, LoRALinear} from "./lora.js";
import type {LoRAVariant} from "./variants.js";

/** Wraps `base` in a LoRALinear whose A, B hold W0's top-r singular triplets; W0 becomes the residual. */
export function pissaLinear(base: Linear, config: LoRAConfig, random: Rng): LoRALinear {
  const layer = new LoRALinear(base, config, random);
  const {rank, scaling} = layer;
  const w = base.weight.value; // (out, in)
  const {U, S, Vt} = svd(w); // U (out, p), S (p), Vt (p, in), p = min(out, in)
  const a = matrix(rank, w.cols);
  const b = matrix(w.rows, rank);
  for (let k = 0; k < rank; k++) {
    const root = Math.sqrt(S[k] / scaling); // PEFT: Sr /= scaling, then √Sr on each side
    for (let j = 0; j < w.cols; j++) a.data[k * w.cols + j] = root * Vt.data[k * Vt.cols + j];
    for (let i = 0; i < w.rows; i++) b.data[i * rank + k] = root * U.data[i * U.cols + k];
  }
  layer.loraA.value.data.set(a.data);
  layer.loraB.value.data.set(b.data);
  const principal = layer.deltaW(); // s·B·A = U_r·S_r·V_rᵀ, (out, in)
  for (let k = 0; k < w.data.length; k++) w.data[k] -= principal.data[k];
  return layer;
}

/** PiSSA: PEFT's LoraConfig(init_lora_weights="pissa"); its files are plain LoRA files on the residual base. */
export const pissa = {
  name: "pissa",
  label: "PiSSA",
  create: pissaLinear
} as const satisfies LoRAVariant;

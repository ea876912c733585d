// LoRA+ (Hayou et al. 2024, arXiv:2402.12354): one learning rate for A and B is
// suboptimal; B should learn λ times faster (λ ≈ 16 in the paper). Here that is a
// per-parameter learning-rate multiplier, so any optimizer supports it.
import {checkPositive} from "../check.js";
import {loraLayers} from "../nn/inject.js";
import type {Module} from "../nn/module.js";

/** Sets lr_B = ratio · lr_A on every LoRA layer (A keeps multiplier 1); returns how many layers were set. */
export function loraPlusMultipliers(model: Module, ratio: number): number {
  checkPositive("ratio", ratio);
  const layers = loraLayers(model);
  for (const [, layer] of layers) {
    layer.loraA.options.lrMultiplier = 1;
    layer.loraB.options.lrMultiplier = ratio;
  }
  return layers.length;
}

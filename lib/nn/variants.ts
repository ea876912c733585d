// The seam for LoRA variants, modelled on PEFT's tuner registry: a variant is one
// file in lib/nn that exports a `LoRAVariant`, plus one entry in `loraVariants`
// below. injectLoRA, adapter loading, the lab's methods, its controls, loaders and
// pages all read this list, so nothing else names a variant.
//
// What a variant may do, and where:
// (a) its own forward/backward and parameters: `create` returns a LoRALinear subclass
//     that overrides forward, backward, ownParameters and deltaW (merge/unmerge use deltaW);
// (b) start from the base weight: `create` receives the base Linear before wrapping it
//     and may rewrite W0 (PiSSA keeps the residual W0 − U_r S_r V_rᵀ there);
// (c) share frozen tensors across layers: `shared` is one Map per injectLoRA call,
//     the same object for every layer (VeRA draws its frozen A and B once, keyed by shape);
// (d) its PEFT tensors: `peftTensors` names the per-layer keys beyond lora_A/lora_B
//     (DoRA's "lora_magnitude_vector", VeRA's "vera_lambda_b", "vera_lambda_d") and reads
//     and writes them; lib/adapters/peft.ts is where a writer and reader call it.
import type {Matrix} from "../matrix/index.js";
import type {Rng} from "../random.js";
import type {Linear} from "./linear.js";
import {type LoRAConfig, LoRALinear} from "./lora.js";

/** One LoRA variant: how it wraps a Linear, and how it names itself to readers and to PEFT. */
export interface LoRAVariant {
  /** The id in setups, URLs and `injectLoRA`'s `variant` option ("lora", "dora", …). */
  readonly name: string;
  /** What a control shows ("LoRA", "DoRA (weight-decomposed)"). */
  readonly label: string;
  /** Wraps `base` (freezing it); `shared` is the same Map for every layer of one injectLoRA call. */
  create(base: Linear, config: LoRAConfig, random: Rng, shared: Map<string, unknown>): LoRALinear;
  /** Per-layer PEFT tensors beyond lora_A/lora_B: their key suffixes, read from and written to the layer. */
  readonly peftTensors?: {
    keys: readonly string[];
    write(layer: LoRALinear): Record<string, Matrix>;
    read(layer: LoRALinear, tensors: Record<string, Matrix>): void;
  };
}

/** Plain LoRA (Hu et al. 2021): ΔW = scaling · B·A. */
export const lora = {
  name: "lora",
  label: "LoRA",
  create: (base, config, random) => new LoRALinear(base, config, random)
} as const satisfies LoRAVariant;

/** Every variant, in the order controls list them: the one list of LoRA methods. */
export const loraVariants = [lora] as const satisfies readonly LoRAVariant[];

/** A variant's id. */
export type VariantName = (typeof loraVariants)[number]["name"];

/** True when `name` is a registered variant's id. */
export function isVariantName(name: string): name is VariantName {
  return loraVariants.some((v) => v.name === name);
}

/** The variant registered as `name`; RangeError listing the known ids otherwise. */
export function loraVariant(name: string): LoRAVariant {
  const found = loraVariants.find((v) => v.name === name);
  if (!found) throw new RangeError(`variant must be one of ${loraVariants.map((v) => v.name).join(", ")}, got ${name}`);
  return found;
}

// Where to put LoRA under a fixed budget of trainable parameters, as the paper's
// Table 5 did (Hu et al. 2021, §7.1: 18M parameters on GPT-3, r = 8 for one
// matrix type, 4 for two, 2 for all four). A LoRA on a Linear (in -> out) of rank r
// trains r·(in + out) values (A is r×in, B is out×r), so a set of target layers
// costs a fixed number of parameters per unit of rank, and the budget fixes r.
import {Linear, LoRALinear, type Module, matchesModule} from "../../index.js";

/** Trainable parameters per unit of rank when LoRA adapts every Linear whose name matches `targets`: Σ (in + out). */
export function loraParametersPerRank(model: Module, targets: readonly string[]): number {
  let perRank = 0;
  for (const [name, module] of model.namedModules()) {
    // Once adapted, a target is a LoRALinear whose frozen Linear sits at "<name>.base_layer".
    const linear = module instanceof LoRALinear ? module.base : module;
    if (!(linear instanceof Linear) || name.endsWith(".base_layer") || !targets.some((t) => matchesModule(name, t))) continue;
    perRank += linear.weight.value.rows + linear.weight.value.cols; // weight is (out, in): A (r, in) + B (out, r)
  }
  if (perRank === 0) throw new RangeError(`targets ${JSON.stringify(targets)} match no Linear layer of the model`);
  return perRank;
}

/** The largest rank whose LoRA on `targets` stays within `budget` trainable parameters (the paper's rule for Table 5). */
export function rankForBudget(model: Module, targets: readonly string[], budget: number): number {
  const perRank = loraParametersPerRank(model, targets);
  const rank = Math.floor(budget / perRank);
  if (rank < 1) throw new RangeError(`a budget of ${budget} parameters is below one rank of ${JSON.stringify(targets)} (${perRank} parameters)`);
  return rank;
}

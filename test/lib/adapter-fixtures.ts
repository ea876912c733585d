// Shared setup for the adapter tests: an MLP adapted on layers.0 and layers.2 with
// non-zero B (as after training), and a snapshot of every parameter for
// "nothing changed" checks.
import {MLP, type Module, extractAdapter, fillNormal, injectLoRA, loraLayers, rng, type Adapter} from "../../lib/index.js";

/** A 6-8-8-3 MLP whose layers.0 and layers.2 carry a LoRA adapter with random A and B. */
export function adaptedMLP(
  {seed = 1, rank = 2, alpha = 4, rsLoRA = false, modulesToSave = [] as string[], sizes = [6, 8, 8, 3]} = {}
): {model: MLP; adapter: Adapter} {
  const model = new MLP(sizes, rng(100)); // the same base weights W0 for every seed
  injectLoRA(model, {targetModules: ["layers.0", "layers.2"], rank, alpha, rsLoRA, modulesToSave}, rng(seed));
  const random = rng(seed + 1000);
  for (const [, layer] of loraLayers(model)) {
    fillNormal(random, layer.loraA.value.data, 0.5);
    fillNormal(random, layer.loraB.value.data, 0.5);
  }
  return {model, adapter: extractAdapter(model, {modulesToSave})};
}

/** Every parameter's name and a copy of its values, plus the module tree's layer kinds. */
export function snapshot(model: Module): {parameters: [string, Float32Array][]; kinds: string[]} {
  return {
    parameters: model.namedParameters().map(([name, p]) => [name, p.value.data.slice()]),
    kinds: model.namedModules().map(([name, m]) => `${name}:${m.kind}`)
  };
}

// The lab's two base architectures. Digits: the engine's MLP (layers "layers.0", "layers.2",
// head "layers.4"). Names: the engine's CharMLP (layers "embed", "hidden", "out").
import {CharMLP, type CharModelSizes, MLP, type Rng} from "../../index.js";

/** The digits model: an MLP [pixels, hidden…, classes] with ReLU. */
export function digitsModel(sizes: readonly number[], random: Rng): MLP {
  return new MLP(sizes, random, {activation: "relu"});
}

/** The names model. */
export function namesModel(sizes: CharModelSizes, random: Rng): CharMLP {
  return new CharMLP(sizes, random);
}

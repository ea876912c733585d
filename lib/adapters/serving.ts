// Serving several adapters on one frozen base: set W = W0 + ΔW in place (a merged
// switch or blend), strip the LoRA layers back to W0, or run one batch whose rows use
// different adapters unmerged (the case the paper's merge cannot batch, §4.2).
import {type Matrix, axpy, clone, matmulTransB} from "../matrix/index.js";
import {Linear, MLP, type Module, loraLayers, replaceModule} from "../nn/index.js";
import {gatherRows} from "../train/data.js";
import type {Adapter} from "./adapter.js";
import {layerDelta} from "./ops.js";

/** A copy of every Linear weight W0 of a plain model, by path: what `setDelta` adds ΔW to. */
export function baseWeights(model: Module): Map<string, Matrix> {
  const out = new Map<string, Matrix>();
  for (const [path, module] of model.namedModules()) if (module instanceof Linear) out.set(path, clone(module.weight.value));
  return out;
}

/** Sets W = W0 + ΔW for every layer in `deltas` and W = W0 elsewhere (a merged blend). */
export function setDelta(model: Module, w0: Map<string, Matrix>, deltas: Record<string, Matrix>): void {
  for (const [path, module] of model.namedModules()) {
    const original = w0.get(path);
    if (!(module instanceof Linear) || !original) continue;
    module.weight.value.data.set(original.data);
    if (deltas[path]) axpy(1, deltas[path], module.weight.value);
  }
}

/** Unmerges and removes every LoRA layer, leaving plain Linear layers holding W0 (the "no adapter" state). */
export function removeAdapter(model: Module): void {
  for (const [path, layer] of loraLayers(model)) {
    if (layer.isMerged) layer.unmerge();
    replaceModule(model, path, layer.base);
  }
}

/**
 * One batch whose rows need different adapters, served unmerged: for each Linear layer,
 * h = x·W0ᵀ + b for every row, then for the rows of adapter i, += scaling_i·(x·A_iᵀ)·B_iᵀ.
 * `assignment[row]` is an index into `adapters`, or −1 for the base alone. The model must be
 * plain (no LoRA layers, W = W0); its layers run in order (an MLP's Sequential).
 */
export function mixedAdapterForward(model: MLP, x: Matrix, adapters: readonly Adapter[], assignment: Int32Array): Matrix {
  if (assignment.length !== x.rows) throw new RangeError(`mixedAdapterForward: ${x.rows} rows but ${assignment.length} assignments`);
  if (loraLayers(model).length > 0) throw new Error("mixedAdapterForward: the model must hold W0 only (remove its LoRA layers first)");
  // Rows of each adapter, found once for the whole forward pass.
  const groups = adapters.map((_, i) => Int32Array.from(assignment.keys()).filter((row) => assignment[row] === i));
  for (const [index, module] of model.layers.modules.entries()) {
    const path = `layers.${index}`;
    const h = module.forward(x); // Linear: (N, in) @ (out, in)ᵀ + b -> (N, out)
    if (module instanceof Linear) {
      adapters.forEach((adapter, i) => {
        const layer = adapter.layers[path];
        if (!layer || groups[i].length === 0) return;
        const down = matmulTransB(gatherRows(x, groups[i]), layer.A); // (n_i, in) @ (r, in)ᵀ -> (n_i, r)
        const up = matmulTransB(down, layer.B); // (n_i, r) @ (out, r)ᵀ -> (n_i, out)
        groups[i].forEach((row, j) => {
          for (let c = 0; c < h.cols; c++) h.data[row * h.cols + c] += layer.scaling * up.data[j * h.cols + c];
        });
      });
    }
    x = h;
  }
  return x;
}

/** ΔW per layer of one adapter (scaling·B·A), for `setDelta`. */
export function adapterDeltas(adapter: Adapter): Record<string, Matrix> {
  return Object.fromEntries(Object.entries(adapter.layers).map(([path, layer]) => [path, layerDelta(layer)]));
}

// A model's weights as one compact binary: float32 little-endian tensors after a
// small JSON header that names them, so a data loader can pretrain a model and the
// page (or a worker) can load it into the same architecture by parameter name.
//
// Layout: "LWT1" | u32 header length H | H bytes of UTF-8 JSON (padded with spaces
// to a multiple of 4) | the tensors' float32 values, back to back, row-major.
import {type Matrix, matrix} from "../matrix/index.js";
import type {Module} from "../nn/module.js";

/** One tensor's entry in the header: its dotted parameter name, shape and float offset. */
export interface TensorEntry {
  name: string;
  rows: number;
  cols: number;
  /** Offset into the float32 data, in floats. */
  offset: number;
}

/** Decoded weights: the header's metadata and the tensors by name. */
export interface PackedWeights<Meta = unknown> {
  meta: Meta;
  tensors: Map<string, Matrix>;
}

const magic = [0x4c, 0x57, 0x54, 0x31]; // "LWT1"

/** Every parameter of `model` (trainable or not), by dotted name, plus `meta`, as bytes. */
export function packWeights(model: Module, meta: unknown = {}): Uint8Array {
  const entries: TensorEntry[] = [];
  let floats = 0;
  const named = model.namedParameters();
  for (const [name, p] of named) {
    entries.push({name, rows: p.value.rows, cols: p.value.cols, offset: floats});
    floats += p.value.data.length;
  }
  let header = new TextEncoder().encode(JSON.stringify({meta, tensors: entries}));
  const padded = Math.ceil(header.length / 4) * 4;
  if (padded !== header.length) {
    const bytes = new Uint8Array(padded).fill(0x20);
    bytes.set(header);
    header = bytes;
  }
  const out = new Uint8Array(8 + padded + 4 * floats);
  out.set(magic, 0);
  new DataView(out.buffer).setUint32(4, padded, true);
  out.set(header, 8);
  const view = new DataView(out.buffer, 8 + padded);
  for (const [i, [, p]] of named.entries()) {
    const base = entries[i].offset * 4;
    for (let j = 0; j < p.value.data.length; j++) view.setFloat32(base + 4 * j, p.value.data[j], true);
  }
  return out;
}

/** Reads bytes written by `packWeights`. */
export function unpackWeights<Meta = unknown>(bytes: ArrayBuffer | Uint8Array): PackedWeights<Meta> {
  const all = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (all.length < 8 || magic.some((b, i) => all[i] !== b)) throw new RangeError("unpackWeights: not a weights file (missing the LWT1 header)");
  const view = new DataView(all.buffer, all.byteOffset, all.byteLength);
  const headerLength = view.getUint32(4, true);
  const {meta, tensors} = JSON.parse(new TextDecoder().decode(all.subarray(8, 8 + headerLength))) as {meta: Meta; tensors: TensorEntry[]};
  const start = 8 + headerLength;
  const out = new Map<string, Matrix>();
  for (const {name, rows, cols, offset} of tensors) {
    const end = start + 4 * (offset + rows * cols);
    if (end > all.length) throw new RangeError(`unpackWeights: tensor "${name}" runs past the end of the file`);
    const values = new Float32Array(rows * cols);
    for (let j = 0; j < values.length; j++) values[j] = view.getFloat32(start + 4 * (offset + j), true);
    out.set(name, matrix(rows, cols, values));
  }
  return {meta, tensors: out};
}

/** Copies the packed tensors into `model`'s parameters by name; every parameter must be present with its shape. */
export function loadWeights(model: Module, weights: PackedWeights, {skip = [] as readonly string[]} = {}): void {
  for (const [name, p] of model.namedParameters()) {
    if (skip.some((prefix) => name === prefix || name.startsWith(`${prefix}.`))) continue;
    const tensor = weights.tensors.get(name);
    if (!tensor) throw new RangeError(`loadWeights: the file has no tensor "${name}" (it has ${[...weights.tensors.keys()].join(", ")})`);
    if (tensor.rows !== p.value.rows || tensor.cols !== p.value.cols) {
      throw new RangeError(`loadWeights: "${name}" is ${tensor.rows}×${tensor.cols} in the file, ${p.value.rows}×${p.value.cols} in the model`);
    }
    p.value.data.set(tensor.data);
  }
}

// Matrices <-> safetensors tensors, with PyTorch's shapes: a weight (out × in) is
// [out, in], and a bias, which this library keeps as a 1 × n row, is the 1-D [n]
// that torch.nn.Linear stores, so files open in PyTorch with the shapes it expects.
import type {Matrix} from "../matrix/index.js";
import type {SafetensorsDtype, SafetensorsTensor, TensorToWrite} from "./safetensors.js";

/** The PyTorch shape of a parameter: [n] for a 1 × n bias, else [rows, cols]. */
export function torchShape(name: string, value: Matrix): number[] {
  return isBias(name) && value.rows === 1 ? [value.cols] : [value.rows, value.cols];
}

/** A matrix as a tensor to write (the data is shared, not copied). */
export function toTensor(name: string, value: Matrix, dtype: SafetensorsDtype = "F32"): TensorToWrite {
  return {dtype, shape: torchShape(name, value), data: value.data};
}

/** A read tensor as a matrix: 2-D as is, 1-D as a 1 × n row; any other rank is an error naming the key. */
export function toMatrix(key: string, tensor: SafetensorsTensor): Matrix {
  const {shape, data} = tensor;
  if (shape.length === 2) return {rows: shape[0], cols: shape[1], data};
  if (shape.length === 1) return {rows: 1, cols: shape[0], data};
  throw new Error(`"${key}": shape [${shape.join(", ")}] has ${shape.length} dimensions; expected 1 or 2`);
}

/** Whether a file shape matches a parameter: the shape `torchShape` would write. */
export function shapeMatches(name: string, value: Matrix, shape: readonly number[]): boolean {
  const expected = torchShape(name, value);
  return expected.length === shape.length && expected.every((d, i) => d === shape[i]);
}

function isBias(name: string): boolean {
  return name === "bias" || name.endsWith(".bias");
}

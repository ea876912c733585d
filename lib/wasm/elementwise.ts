// JS side of the SIMD element-wise kernels (lib/wasm/assembly/elementwise.ts).
// Like the matmuls they copy operands into the module's memory and results back;
// each returns false, having done nothing, where the module is missing, so the
// caller keeps its own loop. Results equal the JavaScript loops' exactly.
import {kernelsModule, workspace} from "./module.js";

/** out = a + bias on every row (a: rows×cols floats, bias: cols floats); false without wasm. */
export function addRowVectorWasm(a: Float32Array, bias: Float32Array, out: Float32Array, rows: number, cols: number): boolean {
  if (!kernelsModule || !workspace) return false;
  const count = rows * cols;
  const [aAt, biasAt] = workspace.reserve(count, cols);
  const memory = workspace.view();
  memory.set(a, aAt);
  memory.set(bias, biasAt);
  kernelsModule.addRowVector(aAt * 4, biasAt * 4, aAt * 4, rows, cols); // in place in wasm memory
  out.set(memory.subarray(aAt, aAt + count));
  return true;
}

/** y = max(0, x); false without wasm. */
export function reluWasm(x: Float32Array, y: Float32Array): boolean {
  if (!kernelsModule || !workspace) return false;
  const [xAt] = workspace.reserve(x.length);
  const memory = workspace.view();
  memory.set(x, xAt);
  kernelsModule.relu(xAt * 4, xAt * 4, x.length);
  y.set(memory.subarray(xAt, xAt + x.length));
  return true;
}

/** dx = dy where x > 0, else 0; false without wasm. */
export function reluBackwardWasm(x: Float32Array, dy: Float32Array, dx: Float32Array): boolean {
  if (!kernelsModule || !workspace) return false;
  const [xAt, dyAt] = workspace.reserve(x.length, dy.length);
  const memory = workspace.view();
  memory.set(x, xAt);
  memory.set(dy, dyAt);
  kernelsModule.reluBackward(xAt * 4, dyAt * 4, dyAt * 4, x.length);
  dx.set(memory.subarray(dyAt, dyAt + x.length));
  return true;
}

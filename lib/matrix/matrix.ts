// The one tensor type of the library: a row-major float32 matrix.
// Element (i, j) lives at data[i * cols + j]. Vectors are 1×n (row) matrices;
// a batch of B examples with C features is a (B, C) matrix, one example per row.
import {allocate} from "./arena.js";

/** A dense row-major float32 matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** Throws a RangeError naming the argument, its value and the allowed range. */
export function checkDimension(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
  }
}

/** A rows×cols matrix, zero-filled (inside a training step, from its arena: see arena.ts) or wrapping `data` (not copied). */
export function matrix(rows: number, cols: number, data?: Float32Array): Matrix {
  checkDimension("rows", rows);
  checkDimension("cols", cols);
  if (data === undefined) return {rows, cols, data: allocate(rows * cols)};
  if (data.length !== rows * cols) {
    throw new RangeError(`data has ${data.length} values but a ${rows}×${cols} matrix needs ${rows * cols}`);
  }
  return {rows, cols, data};
}

/** A zero matrix. */
export function zeros(rows: number, cols: number): Matrix {
  return matrix(rows, cols);
}

/** A matrix from nested arrays (rows of equal length). */
export function fromRows(values: readonly (readonly number[])[]): Matrix {
  const rows = values.length;
  const cols = rows ? values[0].length : 0;
  const out = matrix(rows, cols);
  values.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`row ${i} has ${row.length} values, row 0 has ${cols}`);
    out.data.set(row, i * cols);
  });
  return out;
}

/** Nested arrays of plain numbers (for display, mathjs and JSON). */
export function toRows(m: Matrix): number[][] {
  return Array.from({length: m.rows}, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

/** The identity matrix of size n. */
export function identity(n: number): Matrix {
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
  return out;
}

/** A deep copy. */
export function clone(m: Matrix): Matrix {
  return {rows: m.rows, cols: m.cols, data: m.data.slice()};
}

/** Asserts two matrices have the same shape; `what` names the operation for the message. */
export function assertSameShape(what: string, a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${what}: shapes differ, ${a.rows}×${a.cols} vs ${b.rows}×${b.cols}`);
  }
}

/** Returns `out` if given (checking its shape), else a fresh rows×cols matrix. */
export function output(what: string, rows: number, cols: number, out?: Matrix): Matrix {
  if (!out) return matrix(rows, cols);
  if (out.rows !== rows || out.cols !== cols) {
    throw new RangeError(`${what}: out is ${out.rows}×${out.cols}, expected ${rows}×${cols}`);
  }
  return out;
}

// One measure of agreement for the GPT's tests (PyTorch fixtures, wasm against TypeScript).
import {expect} from "vitest";

/**
 * max|actual − expected| / max(max|expected|, floor): relative to the largest reference value,
 * with `floor` (e.g. 1) keeping tensors of tiny values from magnifying rounding.
 */
export function relativeError(actual: Float32Array, expected: Float32Array, floor = 0): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0, scale = floor;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

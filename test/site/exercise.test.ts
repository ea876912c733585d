// The checks behind the exercises: what counts as a number, and when a live cell's
// returned matrix matches lib's. (The browser test checks the widgets themselves.)
import {describe, expect, test} from "vitest";
// @ts-expect-error: components are plain JavaScript, without type declarations
import {readNumber, sameMatrix} from "../../src/components/exercise.js";
import {matrix} from "../../lib/index.ts";

describe("exercise checks", () => {
  test("readNumber reads what people type, and refuses what is not a number", () => {
    expect(readNumber("18,874,368")).toBe(18874368);
    expect(readNumber(" 4 096 ")).toBe(4096);
    expect(readNumber("1.5e3")).toBe(1500);
    expect(readNumber("25%")).toBe(0.25);
    expect(readNumber("-0.5")).toBe(-0.5);
    for (const bad of ["", "abc", "12abc", "1..2", "NaN", "Infinity", "0x10"]) expect(readNumber(bad), bad).toBeNull();
  });

  test("sameMatrix accepts lib's matrix within tolerance and explains every refusal", () => {
    const expected = matrix(2, 2, new Float32Array([1, 2, 3, 4]));
    const described = (values: number[][]) => ({kind: "matrix", rows: values.length, cols: values[0].length, values});
    expect(sameMatrix(described([[1, 2], [3, 4.00001]]), expected).ok).toBe(true);
    const off = sameMatrix(described([[1, 2], [3, 4.5]]), expected);
    expect(off.ok).toBe(false);
    expect(off.message).toMatch(/differs .* by 0\.5/);
    expect(sameMatrix(described([[1, 2, 3]]), expected).message).toMatch(/Wrong shape: 1 × 3, expected 2 × 2/);
    expect(sameMatrix({kind: "number", value: 4}, expected).message).toMatch(/Return a Matrix \(got number\)/);
    expect(sameMatrix(undefined, expected).ok).toBe(false);
  });
});

// Argument checks shared by layers, optimizers and the trainer. Every failure is a
// RangeError that names the argument, the value it got and the range it allows,
// so a typo in a page's slider setup reads as a sentence, not a NaN curve.

/** Throws unless `value` is a finite number with low ≤ value ≤ high (or < high when `highOpen`). */
export function checkRange(
  name: string,
  value: number,
  low: number,
  high: number,
  {lowOpen = false, highOpen = false} = {}
): void {
  const aboveLow = lowOpen ? value > low : value >= low;
  const belowHigh = highOpen ? value < high : value <= high;
  if (typeof value !== "number" || !Number.isFinite(value) || !aboveLow || !belowHigh) {
    const range = `${lowOpen ? "(" : "["}${low}, ${high}${highOpen ? ")" : "]"}`;
    throw new RangeError(`${name} must be a finite number in ${range}, got ${value}`);
  }
}

/** Throws unless `value` is a finite number > 0. */
export function checkPositive(name: string, value: number): void {
  checkRange(name, value, 0, Infinity, {lowOpen: true, highOpen: true});
}

/** Throws unless `value` is a finite number ≥ 0. */
export function checkNonNegative(name: string, value: number): void {
  checkRange(name, value, 0, Infinity, {highOpen: true});
}

/** Throws unless `value` is a whole number with low ≤ value ≤ high. */
export function checkInteger(name: string, value: number, low: number, high = Infinity): void {
  if (!Number.isInteger(value) || value < low || value > high) {
    const range = high === Infinity ? `≥ ${low}` : `in [${low}, ${high}]`;
    throw new RangeError(`${name} must be a whole number ${range}, got ${value}`);
  }
}

/** Throws unless the input batch has `expected` columns; `layer` names the layer for the message. */
export function checkColumns(layer: string, what: string, columns: number, expected: number): void {
  if (columns !== expected) {
    throw new RangeError(`${layer}: ${what} has ${columns} columns, expected ${expected}`);
  }
}

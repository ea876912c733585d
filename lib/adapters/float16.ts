// Half-precision conversions for safetensors' F16 and BF16 dtypes, by bit
// manipulation on a shared 4-byte scratch buffer (no DataView per value).
// IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits;
// max 65504 (0x7BFF), smallest normal 2^-14 (0x0400), smallest subnormal 2^-24 (0x0001).
// bfloat16 is the top half of a binary32: 1 sign, 8 exponent (bias 127), 7 fraction bits.
// Both directions from float32 round to nearest, ties to even, as IEEE 754's default.

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** The bits of a float32 value (as stored in a Float32Array, NaN payload aside). */
function bitsOf(value: number): number {
  scratch[0] = value;
  return scratchBits[0];
}

/** float32 -> binary16 bits, round to nearest even; overflow gives ±Infinity (0x7C00), NaN stays NaN. */
export function float32ToFloat16Bits(value: number): number {
  const bits = bitsOf(value);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const fraction = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (fraction ? 0x200 | (fraction >>> 13) : 0); // keep NaN quiet
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half: below 2^-25 everything rounds to zero (2^-25 itself is a tie that goes to even 0).
    if (halfExponent < -10) return sign;
    const significand = fraction | 0x800000; // restore the implicit leading 1
    const shift = 14 - halfExponent; // 13 fraction bits dropped, plus one per step below the normal range
    return sign | roundShift(significand, shift);
  }
  // A carry out of the fraction bumps the exponent, which is right (and 0x7BFF + 1 = 0x7C00 = Infinity).
  return sign | roundShift((halfExponent << 23) | fraction, 13);
}

/** value >> shift, rounded to nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = Math.floor(value / 2 ** shift);
  const dropped = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return dropped > half || (dropped === half && kept % 2 === 1) ? kept + 1 : kept;
}

/** binary16 bits -> the exact value (every binary16 value is a float32 value). */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals; sign·0 keeps −0
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** float32 -> bfloat16 bits: the top 16 bits, rounded to nearest even; NaN stays a quiet NaN. */
export function float32ToBfloat16Bits(value: number): number {
  const bits = bitsOf(value);
  if ((bits & 0x7f800000) === 0x7f800000 && bits & 0x7fffff) return (bits >>> 16) | 0x40;
  // Adding 0x7FFF plus the kept lowest bit rounds ties to even; no finite input overflows 32 bits.
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bfloat16 bits -> the exact float32 value. */
export function bfloat16BitsToFloat32(bits: number): number {
  scratchBits[0] = (bits & 0xffff) << 16;
  return scratch[0];
}

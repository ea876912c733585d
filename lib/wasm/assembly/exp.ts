// e^x four lanes at a time, for the softmax and GELU kernels: WebAssembly has no
// exp instruction, and a call to the scalar libm port per element cost more than
// the rest of those kernels. Cephes' expf (Moshier): x = n·ln 2 + r with |r| ≤ ln2/2,
// e^r by a degree-7 polynomial (error ≈ 1 ulp), 2^n built in the exponent bits.
// Every step is an IEEE-exact wasm instruction (no fused multiply-add), so Node
// and every browser give the same bits, which the pages' reproducibility needs.

const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in two so n·LN2_HIGH is exact (Cody–Waite reduction).
const LN2_HIGH: f32 = 0.693359375;
const LN2_LOW: f32 = -2.12194440e-4;

/** e^x per lane; inputs are clamped to [−87.3, 88] (e^x stays a normal float32: ≈1.2e-38 … 1.7e38, never 0 or ∞). */
// @ts-ignore: decorator
@inline
export function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HIGH))), f32x4.mul(n, f32x4.splat(LN2_LOW)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const twoToN = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23); // 2^n as float32 bits
  return f32x4.mul(p, twoToN);
}

/** The sum of a vector's four lanes, in a fixed order ((0 + 1) + (2 + 3)). */
// @ts-ignore: decorator
@inline
export function sumLanes(x: v128): f32 {
  return (f32x4.extract_lane(x, 0) + f32x4.extract_lane(x, 1)) + (f32x4.extract_lane(x, 2) + f32x4.extract_lane(x, 3));
}

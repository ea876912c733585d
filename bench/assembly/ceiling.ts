// Ceiling probes for bench/ceiling.ts (AssemblyScript, compiled at bench time
// with and without relaxed SIMD): how many f32x4 multiply-adds one core retires
// when nothing else is in the way, in the same two patterns the matmul uses.
// They compute nothing useful; each returns a lane so the work is not removed.

// sum + x·y: fused (relaxed_madd) in the relaxed build, else a multiply then an add.
// @ts-ignore: decorator
@inline
function multiplyAdd(x: v128, y: v128, sum: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, y, sum);
  return f32x4.add(sum, f32x4.mul(x, y));
}

/** 12 independent accumulator chains, registers only: `rounds` × 12 f32x4 multiply-adds. */
export function chains(rounds: i32): f32 {
  const x = f32x4.splat(0.999), y = f32x4.splat(1e-3);
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  let c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
  for (let i = 0; i < rounds; i++) {
    c0 = multiplyAdd(x, c0, y); c1 = multiplyAdd(x, c1, y); c2 = multiplyAdd(x, c2, y);
    c3 = multiplyAdd(x, c3, y); c4 = multiplyAdd(x, c4, y); c5 = multiplyAdd(x, c5, y);
    c6 = multiplyAdd(x, c6, y); c7 = multiplyAdd(x, c7, y); c8 = multiplyAdd(x, c8, y);
    c9 = multiplyAdd(x, c9, y); c10 = multiplyAdd(x, c10, y); c11 = multiplyAdd(x, c11, y);
  }
  const sum = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  return f32x4.extract_lane(f32x4.add(sum, f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11))), 0);
}

/**
 * The matmul's 4×8 tile loop (lib/wasm/assembly/matmul.ts) over packed panels at
 * byte offsets a (k×4) and b (k×8), `repeats` times, with no packing and no
 * stores: the operands stay in L1, so this is the tile's own ceiling.
 */
export function tile(a: usize, b: usize, k: i32, repeats: i32): f32 {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let r = 0; r < repeats; r++) {
    let pa = a, pb = b;
    for (let p = 0; p < k; p++) {
      const b0 = v128.load(pb), b1 = v128.load(pb, 16);
      let x = v128.load32_splat(pa);
      c00 = multiplyAdd(x, b0, c00); c01 = multiplyAdd(x, b1, c01);
      x = v128.load32_splat(pa, 4);
      c10 = multiplyAdd(x, b0, c10); c11 = multiplyAdd(x, b1, c11);
      x = v128.load32_splat(pa, 8);
      c20 = multiplyAdd(x, b0, c20); c21 = multiplyAdd(x, b1, c21);
      x = v128.load32_splat(pa, 12);
      c30 = multiplyAdd(x, b0, c30); c31 = multiplyAdd(x, b1, c31);
      pa += 16;
      pb += 32;
    }
  }
  const sum = f32x4.add(f32x4.add(f32x4.add(c00, c01), f32x4.add(c10, c11)), f32x4.add(f32x4.add(c20, c21), f32x4.add(c30, c31)));
  return f32x4.extract_lane(sum, 0);
}

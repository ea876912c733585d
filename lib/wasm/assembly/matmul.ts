// Float32 matrix products with 128-bit SIMD, compiled by AssemblyScript.
//
// Design (GotoBLAS-style, sized for one core's 16 xmm registers): both operands
// are first *packed* into panels, then one 4×8 register tile walks the shared
// dimension k. A panel is a strip of 4 rows of A (or 8 columns of B) stored
// step-major, panel[p·W + lane], so the tile reads both operands contiguously
// and the products differ only in how they pack:
//   matmul        a (m×k) · b (k×n):  A lanes are rows (transposing pack), B lanes columns (copy)
//   matmulTransA  aᵀ · b, a (k×m), b (k×n): both packs copy
//   matmulTransB  a (m×k) · bᵀ, b (n×k): b is not packed at all (see tileInPlace below)
// Packing is a copy, O(k·(m+n)), against O(m·k·n) multiply-adds; panels are
// zero-padded to 4 or 8 lanes, so edge tiles compute garbage-free zeros and only
// the store is cut to the valid rows and columns.
//
// Pointers are byte offsets into linear memory, laid out by the JS side.

/** Rows of C computed per tile (one broadcast of A each). */
const TILE_ROWS: i32 = 4;
/** Columns of C computed per tile (two f32x4 vectors of B). */
const TILE_COLS: i32 = 8;

// Where edge tiles spill their 4×8 accumulators before a cut-down scalar store.
const edgeTile: usize = memory.data(TILE_ROWS * TILE_COLS * 4, 16);

/** Start of free memory after static data: the JS side lays out operands from here. */
export function heapBase(): usize {
  return __heap_base;
}

// Packs `lanes` lanes whose elements for one step are adjacent in memory:
// element (p, lane) at src[p·ld + lane]. Rows of b (k×n), or of aᵀ's source (k×m).
function packCopy(src: usize, ld: i32, lanes: i32, k: i32, width: i32, dst: usize): void {
  for (let first = 0; first < lanes; first += width) {
    const count = min(width, lanes - first);
    for (let p = 0; p < k; p++) {
      const from = src + (<usize>(p * ld + first) << 2);
      const to = dst + (<usize>(p * width) << 2);
      if (count == width) {
        for (let v = 0; v < width; v += 4) v128.store(to + (<usize>v << 2), v128.load(from + (<usize>v << 2)));
      } else {
        for (let t = 0; t < width; t++) store<f32>(to + (<usize>t << 2), t < count ? load<f32>(from + (<usize>t << 2)) : 0);
      }
    }
    dst += <usize>(width * k) << 2;
  }
}

// Packs `lanes` lanes whose steps are adjacent in memory: element (p, lane) at
// src[lane·ld + p]. Rows of a (m×k) or of b (n×k) in matmulTransB. Full panels
// move 4 steps × 4 lanes at a time through a 4×4 shuffle transpose.
function packTranspose(src: usize, ld: i32, lanes: i32, k: i32, width: i32, dst: usize): void {
  const row = <usize>ld << 2;
  for (let first = 0; first < lanes; first += width) {
    const count = min(width, lanes - first);
    let p = 0;
    if (count == width) {
      for (; p + 4 <= k; p += 4) {
        for (let group = 0; group < width; group += 4) {
          const from = src + (<usize>((first + group) * ld + p) << 2);
          const r0 = v128.load(from), r1 = v128.load(from + row);
          const r2 = v128.load(from + 2 * row), r3 = v128.load(from + 3 * row);
          const lo01 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), lo23 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
          const hi01 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), hi23 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
          const to = dst + (<usize>(p * width + group) << 2);
          const step = <usize>width << 2;
          v128.store(to, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
          v128.store(to + step, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7));
          v128.store(to + 2 * step, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5));
          v128.store(to + 3 * step, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7));
        }
      }
    }
    // Leftover steps, and partial panels (zero-padded lanes), one value at a time.
    for (; p < k; p++) {
      const to = dst + (<usize>(p * width) << 2);
      for (let t = 0; t < width; t++) {
        store<f32>(to + (<usize>t << 2), t < count ? load<f32>(src + (<usize>((first + t) * ld + p) << 2)) : 0);
      }
    }
    dst += <usize>(width * k) << 2;
  }
}

// sum + x·y, four lanes. scripts/build-wasm.mjs compiles this module twice: with
// relaxed SIMD the tile uses f32x4.relaxed_madd, one fused multiply-add where the
// CPU has FMA (20–30% more GFLOP/s measured here, docs/performance.md); without
// it, a multiply then an add. lib/wasm/module.ts picks by feature detection.
// @ts-ignore: decorator
@inline
function multiplyAdd(x: v128, y: v128, sum: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, y, sum);
  return f32x4.add(sum, f32x4.mul(x, y));
}

// Eight vectors to 128 consecutive bytes: a tile's sums spilled for an edge store,
// or kept as partial sums between k blocks (both tiles' sums are 8 vectors).
// @ts-ignore: decorator
@inline
function store8(to: usize, v0: v128, v1: v128, v2: v128, v3: v128, v4: v128, v5: v128, v6: v128, v7: v128): void {
  v128.store(to, v0); v128.store(to, v1, 16); v128.store(to, v2, 32); v128.store(to, v3, 48);
  v128.store(to, v4, 64); v128.store(to, v5, 80); v128.store(to, v6, 96); v128.store(to, v7, 112);
}

// The `rows`×`cols` corner of the block spilled to edgeTile (row stride `width`
// floats) into C (row stride ldc), added to what C holds when `accumulate`.
// @ts-ignore: decorator
@inline
function storeEdge(c: usize, ldc: i32, rows: i32, cols: i32, width: i32, accumulate: bool): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const to = c + (<usize>(r * ldc + j) << 2);
      const value = load<f32>(edgeTile + (<usize>(r * width + j) << 2));
      store<f32>(to, accumulate ? load<f32>(to) + value : value);
    }
  }
}

// One 4×8 tile of C (row stride ldc floats) = packed A panel · packed B panel,
// over k steps; stores `rows`×`cols` of it, adding into C when `accumulate`.
// With `resume`, the sums start from a partial tile at `partial` (row stride 8)
// instead of zero: the same additions in the same order as one unbroken pass, so
// splitting k into blocks changes no bit of the result.
// Twelve live vectors (8 sums, 2 of B, 1 of A, 1 product) fit 16 xmm registers.
// @ts-ignore: decorator
@inline
function tile(a: usize, b: usize, k: i32, c: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool, resume: bool, partial: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  if (resume) {
    c00 = v128.load(partial); c01 = v128.load(partial, 16);
    c10 = v128.load(partial, 32); c11 = v128.load(partial, 48);
    c20 = v128.load(partial, 64); c21 = v128.load(partial, 80);
    c30 = v128.load(partial, 96); c31 = v128.load(partial, 112);
  }
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = multiplyAdd(x, b0, c00);
    c01 = multiplyAdd(x, b1, c01);
    x = v128.load32_splat(a, 4);
    c10 = multiplyAdd(x, b0, c10);
    c11 = multiplyAdd(x, b1, c11);
    x = v128.load32_splat(a, 8);
    c20 = multiplyAdd(x, b0, c20);
    c21 = multiplyAdd(x, b1, c21);
    x = v128.load32_splat(a, 12);
    c30 = multiplyAdd(x, b0, c30);
    c31 = multiplyAdd(x, b1, c31);
    a += 16;
    b += 32;
  }
  const row = <usize>ldc << 2;
  if (rows == TILE_ROWS && cols == TILE_COLS) {
    if (accumulate) {
      c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(c + row)); c11 = f32x4.add(c11, v128.load(c + row, 16));
      c20 = f32x4.add(c20, v128.load(c + 2 * row)); c21 = f32x4.add(c21, v128.load(c + 2 * row, 16));
      c30 = f32x4.add(c30, v128.load(c + 3 * row)); c31 = f32x4.add(c31, v128.load(c + 3 * row, 16));
    }
    v128.store(c, c00); v128.store(c, c01, 16);
    v128.store(c + row, c10); v128.store(c + row, c11, 16);
    v128.store(c + 2 * row, c20); v128.store(c + 2 * row, c21, 16);
    v128.store(c + 3 * row, c30); v128.store(c + 3 * row, c31, 16);
    return;
  }
  // Edge tile: spill, then store only the rows and columns that exist.
  store8(edgeTile, c00, c01, c10, c11, c20, c21, c30, c31);
  storeEdge(c, ldc, rows, cols, TILE_COLS, accumulate);
}

/** Steps of k per block: a block's slices of one B panel (8 KB) and one A panel (4 KB) stay in L1 together. */
const BLOCK_K: i32 = 256;

// C (m×n) = packed A panels (⌈m/4⌉ of 4×k) · packed B panels (⌈n/8⌉ of k×8).
// B's panel is the outer loop so it stays in L1 while A's panels stream past it.
// Past BLOCK_K steps a whole panel no longer fits L1 beside A's (32 KB of B at
// k = 1024), so k is walked in blocks and each 4×8 tile's running sums wait in
// `partial` (⌈m/4⌉·4 × 8 floats) between blocks; resuming them keeps every
// addition in its unblocked order, so the result is bit for bit the same.
function multiplyPanels(packedA: usize, packedB: usize, c: usize, m: i32, k: i32, n: i32, accumulate: bool, partial: usize): void {
  for (let j = 0; j < n; j += TILE_COLS) {
    const panelB = packedB + (<usize>(j * k) << 2);
    const cols = min(TILE_COLS, n - j);
    for (let p = 0; p < k; p += BLOCK_K) {
      const depth = min(BLOCK_K, k - p);
      const resume = p > 0, last = p + depth == k;
      const sliceB = panelB + (<usize>(p * TILE_COLS) << 2);
      for (let i = 0; i < m; i += TILE_ROWS) {
        const sliceA = packedA + (<usize>(i * k + p * TILE_ROWS) << 2);
        const spill = partial + (<usize>(i * TILE_COLS) << 2);
        if (last) tile(sliceA, sliceB, depth, c + (<usize>(i * n + j) << 2), n, min(TILE_ROWS, m - i), cols, accumulate, resume, spill);
        else tile(sliceA, sliceB, depth, spill, TILE_COLS, TILE_ROWS, TILE_COLS, false, resume, spill);
      }
    }
  }
}

/** c (m×n) = a (m×k) · b (k×n), or += with accumulate; packedA, packedB and partial (⌈m/4⌉·4·8 floats) are scratch. */
export function matmul(a: usize, b: usize, c: usize, packedA: usize, packedB: usize, partial: usize, m: i32, k: i32, n: i32, accumulate: bool): void {
  packTranspose(a, k, m, k, TILE_ROWS, packedA);
  packCopy(b, n, n, k, TILE_COLS, packedB);
  multiplyPanels(packedA, packedB, c, m, k, n, accumulate, partial);
}

/** c (m×n) = aᵀ · b with a (k×m), b (k×n), or += with accumulate. */
export function matmulTransA(a: usize, b: usize, c: usize, packedA: usize, packedB: usize, partial: usize, m: i32, k: i32, n: i32, accumulate: bool): void {
  packCopy(a, m, m, k, TILE_ROWS, packedA);
  packCopy(b, n, n, k, TILE_COLS, packedB);
  multiplyPanels(packedA, packedB, c, m, k, n, accumulate, partial);
}

// matmulTransB reads b (n×k) in place, unpacked: its rows run along k already, so
// four of them are the broadcast side of the tile, and a's rows (the few rows of a
// batch) are packed into 8-lane panels instead. A layer's weight W (out × in) is
// thus never copied into panels on a forward x·Wᵀ, which at 1024×1024 cost as much
// as a third of a 16-row product. Each 4×8 tile holds Cᵀ (4 rows of b × 8 rows of
// a); every entry is still the sequential sum over p, so results equal the packed
// kernel's bit for bit. Rows of b past n point at its last row (computed, never
// stored), so no load leaves b.
// @ts-ignore: decorator
@inline
function tileInPlace(w0: usize, w1: usize, w2: usize, w3: usize, x: usize, k: i32, c: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool, resume: bool, last: bool, partial: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  if (resume) {
    c00 = v128.load(partial); c01 = v128.load(partial, 16);
    c10 = v128.load(partial, 32); c11 = v128.load(partial, 48);
    c20 = v128.load(partial, 64); c21 = v128.load(partial, 80);
    c30 = v128.load(partial, 96); c31 = v128.load(partial, 112);
  }
  for (let p = 0; p < k; p++) {
    const x0 = v128.load(x), x1 = v128.load(x, 16);
    let w = v128.load32_splat(w0);
    c00 = multiplyAdd(w, x0, c00);
    c01 = multiplyAdd(w, x1, c01);
    w = v128.load32_splat(w1);
    c10 = multiplyAdd(w, x0, c10);
    c11 = multiplyAdd(w, x1, c11);
    w = v128.load32_splat(w2);
    c20 = multiplyAdd(w, x0, c20);
    c21 = multiplyAdd(w, x1, c21);
    w = v128.load32_splat(w3);
    c30 = multiplyAdd(w, x0, c30);
    c31 = multiplyAdd(w, x1, c31);
    w0 += 4; w1 += 4; w2 += 4; w3 += 4;
    x += 32;
  }
  if (!last) {
    store8(partial, c00, c01, c10, c11, c20, c21, c30, c31);
    return;
  }
  // c r v holds C[i + 4v + lane][j + r]: transpose each 4×4 half into rows of C.
  let t0 = v128.shuffle<f32>(c00, c10, 0, 4, 1, 5), t1 = v128.shuffle<f32>(c20, c30, 0, 4, 1, 5);
  let t2 = v128.shuffle<f32>(c00, c10, 2, 6, 3, 7), t3 = v128.shuffle<f32>(c20, c30, 2, 6, 3, 7);
  let r0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), r1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
  let r2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), r3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
  t0 = v128.shuffle<f32>(c01, c11, 0, 4, 1, 5); t1 = v128.shuffle<f32>(c21, c31, 0, 4, 1, 5);
  t2 = v128.shuffle<f32>(c01, c11, 2, 6, 3, 7); t3 = v128.shuffle<f32>(c21, c31, 2, 6, 3, 7);
  let r4 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), r5 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
  let r6 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), r7 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
  const row = <usize>ldc << 2;
  if (rows == 8 && cols == 4) {
    if (accumulate) {
      r0 = f32x4.add(r0, v128.load(c)); r1 = f32x4.add(r1, v128.load(c + row));
      r2 = f32x4.add(r2, v128.load(c + 2 * row)); r3 = f32x4.add(r3, v128.load(c + 3 * row));
      r4 = f32x4.add(r4, v128.load(c + 4 * row)); r5 = f32x4.add(r5, v128.load(c + 5 * row));
      r6 = f32x4.add(r6, v128.load(c + 6 * row)); r7 = f32x4.add(r7, v128.load(c + 7 * row));
    }
    v128.store(c, r0); v128.store(c + row, r1); v128.store(c + 2 * row, r2); v128.store(c + 3 * row, r3);
    v128.store(c + 4 * row, r4); v128.store(c + 5 * row, r5); v128.store(c + 6 * row, r6); v128.store(c + 7 * row, r7);
    return;
  }
  store8(edgeTile, r0, r1, r2, r3, r4, r5, r6, r7);
  storeEdge(c, ldc, rows, cols, 4, accumulate);
}

/** c (m×n) = a (m×k) · bᵀ with b (n×k) read in place, or += with accumulate; packedA (⌈m/8⌉·8·k floats) and partial are scratch, packedB is unused. */
export function matmulTransB(a: usize, b: usize, c: usize, packedA: usize, packedB: usize, partial: usize, m: i32, k: i32, n: i32, accumulate: bool): void {
  packTranspose(a, k, m, k, 8, packedA);
  const rowBytes = <usize>k << 2;
  for (let j = 0; j < n; j += 4) {
    const cols = min(4, n - j);
    // Rows of b past n repeat its last row: computed, never stored, never out of bounds.
    const w0 = b + <usize>j * rowBytes, w1 = b + <usize>min(j + 1, n - 1) * rowBytes;
    const w2 = b + <usize>min(j + 2, n - 1) * rowBytes, w3 = b + <usize>min(j + 3, n - 1) * rowBytes;
    for (let p = 0; p < k; p += BLOCK_K) {
      const depth = min(BLOCK_K, k - p);
      const resume = p > 0, last = p + depth == k;
      const step = <usize>p << 2;
      for (let i = 0; i < m; i += 8) {
        const panel = packedA + (<usize>(i * k + p * 8) << 2);
        tileInPlace(w0 + step, w1 + step, w2 + step, w3 + step, panel, depth, c + (<usize>(i * n + j) << 2), n, min(8, m - i), cols, accumulate, resume, last, partial + (<usize>(i * 4) << 2));
      }
    }
  }
}

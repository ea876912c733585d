// Matmul throughput in GFLOP/s for the forward product and both backward
// products (tfjs BatchMatMul_grad: dX = dY·Wᵀ, dW = Xᵀ·dY), per engine, at the
// sizes one training step of a 256-wide MLP uses. "wasm-simd (resident)" calls
// the module on operands already in its memory: the gap to "wasm-simd" is the
// cost of copying in and out.
//   npx tsx bench/matmul.ts
import {type Matrix, fillNormal, matrix, referenceKernels, rng, wasmKernels} from "../lib/index.js";
import {kernelsModule, workspace} from "../lib/wasm/module.js";

/** One measurement: an engine running one product at one shape. */
export interface Row {
  engine: string;
  /** "forward a·b", "backward a·bᵀ" or "backward aᵀ·b". */
  product: string;
  /** The output is m×n, the shared dimension k. */
  m: number;
  k: number;
  n: number;
  /** Median milliseconds per call. */
  milliseconds: number;
  gflops: number;
}

type ProductName = "matmul" | "matmulTransB" | "matmulTransA";

const PRODUCTS: {name: ProductName; label: string}[] = [
  {name: "matmul", label: "forward a·b"},
  {name: "matmulTransB", label: "backward a·bᵀ"},
  {name: "matmulTransA", label: "backward aᵀ·b"}
];

const SHAPES: [m: number, k: number, n: number][] = [[64, 256, 256], [256, 256, 256]];

// Median seconds per call of each of `calls`, sampled round-robin so that load
// from other processes on this shared machine hits every engine alike. Each
// sample batches calls to last ≥ ~2 ms (timer noise), after a warm-up that lets
// V8 tier up; at least 7 rounds, then until `budgetMs` or 200 rounds.
function medianSeconds(calls: (() => void)[], budgetMs = 600): number[] {
  const batch = calls.map((call) => {
    for (let start = performance.now(); performance.now() - start < 50; ) call();
    const start = performance.now();
    call();
    return Math.max(1, Math.ceil(2 / Math.max(performance.now() - start, 1e-3)));
  });
  const samples: number[][] = calls.map(() => []);
  for (let start = performance.now(), round = 0; round < 7 || (performance.now() - start < budgetMs && round < 200); round++) {
    calls.forEach((call, j) => {
      const t0 = performance.now();
      for (let i = 0; i < batch[j]; i++) call();
      samples[j].push((performance.now() - t0) / batch[j]);
    });
  }
  return samples.map((times) => times.sort((x, y) => x - y)[times.length >> 1] / 1000);
}

// The three operand pairs for an output m×n with shared dimension k.
function operands(m: number, k: number, n: number): Record<ProductName, [Matrix, Matrix]> {
  const random = rng(42);
  const make = (rows: number, cols: number) => matrix(rows, cols, fillNormal(random, new Float32Array(rows * cols)));
  return {
    matmul: [make(m, k), make(k, n)], // (m×k)·(k×n)
    matmulTransB: [make(m, k), make(n, k)], // (m×k)·(n×k)ᵀ
    matmulTransA: [make(k, m), make(k, n)] // (k×m)ᵀ·(k×n)
  };
}

// The module called directly on operands already in its memory (no copies).
function residentCall(name: ProductName, m: number, k: number, n: number): () => void {
  if (!kernelsModule || !workspace) throw new Error("no wasm module");
  const module = kernelsModule;
  const packedA = Math.ceil(m / 4) * 4 * k, packedB = Math.ceil(n / 8) * 8 * k;
  const [a, b, c, pa, pb] = workspace.reserve(m * k, k * n, m * n, packedA, packedB);
  return () => module[name](a * 4, b * 4, c * 4, pa * 4, pb * 4, m, k, n, false);
}

/** GFLOP/s of the three products at 64×256×256 and 256×256×256, per engine. */
export async function benchMatmul(): Promise<Row[]> {
  const rows: Row[] = [];
  // V8 first runs wasm on its baseline compiler (Liftoff, ~3× slower here) and
  // swaps in optimised code compiled in the background, later on a busy machine.
  if (wasmKernels) {
    const warm = operands(...SHAPES[0]);
    for (let start = performance.now(); performance.now() - start < 400; ) {
      for (const {name} of PRODUCTS) wasmKernels[name](...warm[name]);
    }
  }
  for (const [m, k, n] of SHAPES) {
    const inputs = operands(m, k, n);
    const out = matrix(m, n);
    const flops = 2 * m * k * n;
    const record = (engine: string, product: string, seconds: number) =>
      rows.push({engine, product, m, k, n, milliseconds: seconds * 1000, gflops: flops / seconds / 1e9});
    for (const {name, label} of PRODUCTS) {
      const [a, b] = inputs[name];
      const engines = [...(wasmKernels ? [wasmKernels] : []), referenceKernels];
      const calls: (() => void)[] = engines.map((engine) => () => engine[name](a, b, out));
      if (wasmKernels) calls.push(residentCall(name, m, k, n));
      const seconds = medianSeconds(calls);
      engines.forEach((engine, j) => record(engine.name, label, seconds[j]));
      if (wasmKernels) record("wasm-simd (resident)", label, seconds[engines.length]);
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchMatmul();
  console.table(rows.map(({engine, product, m, k, n, milliseconds, gflops}) => ({
    engine, product, shape: `${m}×${k}×${n}`, ms: +milliseconds.toFixed(3), "GFLOP/s": +gflops.toFixed(1)
  })));
}

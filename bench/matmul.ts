// Matmul throughput in GFLOP/s for the forward product and both backward
// products (tfjs BatchMatMul_grad: dX = dY·Wᵀ, dW = Xᵀ·dY), per engine, at the
// sizes a training step of a 256- or 1024-wide MLP uses. "resident" rows call a
// build of the module on operands already in its memory: each build's own speed
// (the fused multiply-add "relaxed-simd" build where the engine has it, and the
// "simd" fallback); the gap from "wasm-simd" (what layers call, the active build)
// to its resident row is the cost of copying in and out.
//   node --experimental-wasm-relaxed-simd --import tsx bench/matmul.ts
import {type Matrix, fillNormal, kernelsBuild, matrix, referenceKernels, rng, wasmKernels} from "../lib/index.js";
import {type KernelsBuild, type KernelsExports, Workspace, instantiateKernels} from "../lib/wasm/module.js";
import {tileProbes} from "./ceiling.js";

/** One measurement: an engine running one product at one shape. */
export interface Row {
  /** Median over rounds of (this call's GFLOP/s ÷ the tile probe's in the same round), per arithmetic. */
  shareOfCeiling?: Partial<Record<"mul+add" | "fma", number>>;
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

const SHAPES: [m: number, k: number, n: number][] = [[64, 256, 256], [256, 256, 256], [64, 1024, 1024]];

// Seconds per call of each of `calls` in every round, sampled round-robin so that load
// from other processes on this shared machine hits every engine alike. Each
// sample batches calls to last ≥ ~2 ms (timer noise), after a warm-up that lets
// V8 tier up; at least 7 rounds, then until `budgetMs` or 200 rounds.
function roundSeconds(calls: (() => void)[], budgetMs = 600): number[][] {
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
  return samples.map((times) => times.map((t) => t / 1000));
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1];

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

// A build of the module called directly on operands already in its memory (no copies).
function residentCall(module: KernelsExports, name: ProductName, m: number, k: number, n: number): () => void {
  const workspace = new Workspace(module);
  const packedA = Math.ceil(m / 8) * 8 * k, packedB = Math.ceil(n / 8) * 8 * k; // enough for every product (transB packs a in 8-row panels)
  const [a, b, c, pa, pb, partial] = workspace.reserve(m * k, k * n, m * n, packedA, packedB, Math.ceil(m / 4) * 4 * 8);
  const memory = workspace.view();
  fillNormal(rng(3), memory.subarray(a, a + m * k));
  fillNormal(rng(4), memory.subarray(b, b + k * n));
  return () => module[name](a * 4, b * 4, c * 4, pa * 4, pb * 4, partial * 4, m, k, n, false);
}

/** GFLOP/s of the three products at each shape, per engine and build. */
export async function benchMatmul(): Promise<Row[]> {
  const rows: Row[] = [];
  const probes = await tileProbes();
  // Each build in a private instance, so the resident operands are never moved.
  const builds = (["relaxed-simd", "simd"] as KernelsBuild[]).flatMap((build) => {
    const module = instantiateKernels(build);
    return module ? [{build, module}] : [];
  });
  // V8 first runs wasm on its baseline compiler (Liftoff, ~3× slower here) and
  // swaps in optimised code compiled in the background, later on a busy machine.
  if (wasmKernels) {
    const warm = operands(...SHAPES[0]);
    const resident = builds.flatMap(({module}) => PRODUCTS.map(({name}) => residentCall(module, name, ...SHAPES[0])));
    for (let start = performance.now(); performance.now() - start < 400; ) {
      for (const {name} of PRODUCTS) wasmKernels[name](...warm[name]);
      for (const call of resident) call();
    }
  }
  for (const [m, k, n] of SHAPES) {
    const inputs = operands(m, k, n);
    const out = matrix(m, n);
    const flops = 2 * m * k * n;
    // The probes run in the same rounds, so each share compares the kernel and the
    // ceiling under the same load from the other processes on this machine.
    let probeRounds: number[][] = [];
    const record = (engine: string, product: string, rounds: number[]) => {
      const seconds = median(rounds);
      const shareOfCeiling: Row["shareOfCeiling"] = {};
      probes.forEach(({arithmetic, flops: probeFlops}, j) => {
        shareOfCeiling[arithmetic] = median(rounds.map((t, i) => (flops / t) / (probeFlops / probeRounds[j][i])));
      });
      rows.push({engine, product, m, k, n, milliseconds: seconds * 1000, gflops: flops / seconds / 1e9, ...(engine !== "typescript" && {shareOfCeiling})});
    };
    for (const {name, label} of PRODUCTS) {
      const [a, b] = inputs[name];
      // The reference loops take ~0.1 s a call at the larger shapes: measured at the first only.
      const engines = [...(wasmKernels ? [wasmKernels] : []), ...(m * k * n <= 64 * 256 * 256 ? [referenceKernels] : [])];
      const calls: (() => void)[] = engines.map((engine) => () => engine[name](a, b, out));
      for (const {module} of builds) calls.push(residentCall(module, name, m, k, n));
      const seconds = roundSeconds([...calls, ...probes.map((p) => p.run)]);
      probeRounds = seconds.slice(calls.length);
      engines.forEach((engine, j) => record(engine === wasmKernels ? `${engine.name} (${kernelsBuild})` : engine.name, label, seconds[j]));
      builds.forEach(({build}, j) => record(`${build} (resident)`, label, seconds[engines.length + j]));
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

// This machine's WebAssembly SIMD ceilings, measured in the same run as the
// kernels so their GFLOP/s can be read as shares (the VMs differ from session to
// session and from minute to minute). Two patterns (bench/assembly/ceiling.ts):
// 12 independent register chains, and the matmul's 4×8 tile over packed panels
// in L1; each with f32x4 mul+add and, where the engine has relaxed SIMD, with
// the fused f32x4.relaxed_madd.
//   node --experimental-wasm-relaxed-simd --import tsx bench/ceiling.ts
import {dirname, join} from "node:path";
import {fileURLToPath} from "node:url";

/** One probe's median GFLOP/s (2 flops per lane multiply-add). */
export interface Ceiling {
  probe: "chains" | "tile";
  arithmetic: "mul+add" | "fma";
  gflops: number;
}

interface ProbeExports {
  memory: WebAssembly.Memory;
  chains(rounds: number): number;
  tile(a: number, b: number, k: number, repeats: number): number;
}

const source = join(dirname(fileURLToPath(import.meta.url)), "assembly/ceiling.ts");
const TILE_K = 64; // panels of 1 KB (A) and 2 KB (B): L1-resident

async function compile(relaxed: boolean): Promise<Uint8Array<ArrayBuffer>> {
  const {default: asc} = await import("assemblyscript/asc");
  let binary: Uint8Array<ArrayBuffer> | null = null;
  const output: string[] = [];
  const stream = {write: (text: string) => output.push(String(text))};
  const flags = ["-O3", "--runtime", "stub", "--enable", "simd", ...(relaxed ? ["--enable", "relaxed-simd"] : []), "--noAssert", "--use", "abort=", "--initialMemory", "1"];
  const {error} = await asc.main([source, ...flags, "--outFile", "ceiling.wasm"], {
    stdout: stream,
    stderr: stream,
    writeFile: (name: string, contents: string | Uint8Array) => {
      if (name.endsWith(".wasm")) binary = contents as Uint8Array<ArrayBuffer>;
    }
  });
  if (error || !binary) throw new Error(`ceiling probe failed to compile: ${error?.message ?? "no binary"}\n${output.join("")}`);
  return binary;
}

// Median GFLOP/s of `run`, each sample ≥ ~5 ms, after a warm-up that lets V8 tier up.
function medianGflops(run: () => void, flopsPerRun: number, samples = 15): number {
  for (let start = performance.now(); performance.now() - start < 150; ) run();
  let batch = 1;
  for (let t = 0; t < 5; batch *= 2) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) run();
    t = performance.now() - t0;
  }
  const rates: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) run();
    rates.push((batch * flopsPerRun) / ((performance.now() - t0) / 1000) / 1e9);
  }
  return rates.sort((x, y) => x - y)[rates.length >> 1];
}

function measure(exports: ProbeExports, arithmetic: Ceiling["arithmetic"]): Ceiling[] {
  const rounds = 20_000, repeats = 400;
  // Panels right after the probe's (empty) static data, filled with small values.
  const a = 1024, b = a + TILE_K * 16;
  new Float32Array(exports.memory.buffer, a, TILE_K * 12).fill(1e-3);
  return [
    {probe: "chains", arithmetic, gflops: medianGflops(() => exports.chains(rounds), rounds * 12 * 4 * 2)},
    {probe: "tile", arithmetic, gflops: medianGflops(() => exports.tile(a, b, TILE_K, repeats), repeats * TILE_K * 8 * 4 * 2)}
  ];
}

// Both builds, compiled once per process (the compiler is the slow part).
let builds: Promise<[Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>]> | undefined;

async function instances(): Promise<{arithmetic: Ceiling["arithmetic"]; exports: ProbeExports}[]> {
  builds ??= Promise.all([compile(false), compile(true)]);
  const [plain, fused] = await builds;
  const instantiate = (bytes: Uint8Array<ArrayBuffer>) => new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as ProbeExports;
  return [{arithmetic: "mul+add", exports: instantiate(plain)}, ...(WebAssembly.validate(fused) ? [{arithmetic: "fma" as const, exports: instantiate(fused)}] : [])];
}

/** The mul+add probes always; the FMA probes where the engine validates relaxed SIMD. */
export async function benchCeilings(): Promise<Ceiling[]> {
  return (await instances()).flatMap(({arithmetic, exports}) => measure(exports, arithmetic));
}

/** A tile probe to time alongside a kernel, call for call, so both see the same load. */
export interface TileProbe {
  arithmetic: Ceiling["arithmetic"];
  run: () => void;
  flops: number;
}

/** The tile probes, one per arithmetic the engine has, each `flops` per call (about a 64×256×256 product's). */
export async function tileProbes(): Promise<TileProbe[]> {
  const repeats = 256;
  return (await instances()).map(({arithmetic, exports}) => {
    const a = 1024, b = a + TILE_K * 16;
    new Float32Array(exports.memory.buffer, a, TILE_K * 12).fill(1e-3);
    return {arithmetic, run: () => exports.tile(a, b, TILE_K, repeats), flops: repeats * TILE_K * 8 * 4 * 2};
  });
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchCeilings());

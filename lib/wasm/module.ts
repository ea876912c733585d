// Loads the SIMD kernels module (lib/wasm/assembly, inlined as base64 by
// scripts/build-wasm.mjs) synchronously, so importing the library is enough on
// every thread: the main page, Web Workers, Node tests and data loaders.
// The module owns its linear memory; callers copy operands into a `Workspace`,
// call an export with byte offsets, and copy results out.
import {kernelsRelaxedWasmBase64, kernelsWasmBase64} from "./generated/kernels.js";

/** The module's exports (byte offsets and sizes; see lib/wasm/assembly). */
export interface KernelsExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  matmul(a: number, b: number, c: number, packedA: number, packedB: number, partial: number, m: number, k: number, n: number, accumulate: boolean): void;
  matmulTransB(a: number, b: number, c: number, packedA: number, packedB: number, partial: number, m: number, k: number, n: number, accumulate: boolean): void;
  matmulTransA(a: number, b: number, c: number, packedA: number, packedB: number, partial: number, m: number, k: number, n: number, accumulate: boolean): void;
  adam(params: number, grads: number, m: number, v: number, count: number, beta1: number, beta2: number, epsilon: number, stepSize: number, rootCorrection: number, coupledDecay: number, shrink: number): void;
  axpy(alpha: number, x: number, y: number, count: number): void;
  sumOfSquares(x: number, count: number): number;
  addRowVector(a: number, bias: number, out: number, rows: number, cols: number): void;
  relu(x: number, y: number, count: number): void;
  reluBackward(x: number, dy: number, dx: number, count: number): void;
  gelu(x: number, y: number, tanhInner: number, count: number): void;
  geluBackward(x: number, tanhInner: number, dy: number, dx: number, count: number): void;
  attentionForward(q: number, k: number, v: number, out: number, probabilities: number, packed: number, batch: number, T: number, heads: number, headDim: number, scale: number): void;
  attentionBackward(q: number, k: number, v: number, probabilities: number, dOut: number, dq: number, dk: number, dv: number, packed: number, dScores: number, batch: number, T: number, heads: number, headDim: number, scale: number): void;
  layerNormForward(x: number, gamma: number, beta: number, normalized: number, y: number, inverseStd: number, rows: number, C: number, eps: number): void;
  layerNormBackward(dy: number, normalized: number, gamma: number, inverseStd: number, dx: number, dGamma: number, dBeta: number, rows: number, C: number, gammaGrad: boolean, betaGrad: boolean, inputGrad: boolean): void;
}

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)): the
// wasm-feature-detect probe; popcnt also rules out pre-standard SIMD builds.
const simdProbe = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11
]);

/** True where WebAssembly with 128-bit SIMD is available. */
export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(simdProbe);
  } catch {
    return false;
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The two builds of lib/wasm/assembly: "relaxed-simd" has the fused multiply-add matmul tile. */
export type KernelsBuild = "relaxed-simd" | "simd";

const builds: Record<KernelsBuild, string> = {"relaxed-simd": kernelsRelaxedWasmBase64, simd: kernelsWasmBase64};

/** True where the engine validates the relaxed-SIMD build (f32x4.relaxed_madd): Chromium yes, Node 20 only with --experimental-wasm-relaxed-simd. */
export function relaxedSimdSupported(): boolean {
  try {
    relaxedSupport ??= simdSupported() && WebAssembly.validate(decodeBase64(kernelsRelaxedWasmBase64));
    return relaxedSupport;
  } catch {
    return false;
  }
}
let relaxedSupport: boolean | undefined;

const compiled = new Map<KernelsBuild, WebAssembly.Module>();

/** A fresh instance of one build (its own memory), or null where the engine cannot run it. */
export function instantiateKernels(build: KernelsBuild): KernelsExports | null {
  if (!simdSupported() || (build === "relaxed-simd" && !relaxedSimdSupported())) return null;
  try {
    // Synchronous compile, once per build: each is ~9 KB, far under the 8 MB that Chrome
    // allows `new WebAssembly.Module` on the main thread (the build warns past it). Chrome
    // before 2023 allowed 4 KB: there this throws on the main thread, and lib keeps its
    // TypeScript kernels (workers are not limited).
    let module = compiled.get(build);
    if (!module) compiled.set(build, (module = new WebAssembly.Module(decodeBase64(builds[build]))));
    return new WebAssembly.Instance(module, {}).exports as unknown as KernelsExports;
  } catch {
    return null;
  }
}

// The fused multiply-add build only where the host asks for relaxed SIMD (Node's
// --experimental-wasm-relaxed-simd: the bench and the wasm-relaxed tests). Chromium
// validates it without asking, but FMA rounds differently, so a page would stop
// reproducing the numbers the build-time loaders (Node, no flag) computed for the same
// seed; and on the machines measured here it was no faster (docs/performance.md).
const fmaRequested = typeof process !== "undefined" && (process.execArgv ?? []).includes("--experimental-wasm-relaxed-simd");
const relaxedModule = fmaRequested ? instantiateKernels("relaxed-simd") : null;

/** Which build `kernelsModule` is ("relaxed-simd" only when asked for, see above), or null without WebAssembly SIMD. */
export const kernelsBuild: KernelsBuild | null = relaxedModule ? "relaxed-simd" : simdSupported() ? "simd" : null;

/** The instantiated module, or null where WebAssembly SIMD is unavailable. */
export const kernelsModule: KernelsExports | null = relaxedModule ?? instantiateKernels("simd");

const PAGE_BYTES = 65536;
// Regions start on cache-line boundaries so SIMD loads never split a line needlessly.
const ALIGN_FLOATS = 16;

/**
 * Lays out float32 regions in the module's memory, growing it when a call needs
 * more. Offsets are in floats; `view()` must be re-read after `reserve` because
 * growing memory detaches the old buffer.
 */
export class Workspace {
  private readonly exports: KernelsExports;
  private readonly base: number;
  private floats: Float32Array;

  constructor(exports: KernelsExports) {
    this.exports = exports;
    this.base = Math.ceil(exports.heapBase() / 4 / ALIGN_FLOATS) * ALIGN_FLOATS;
    this.floats = new Float32Array(exports.memory.buffer);
  }

  /** Float offsets of consecutive regions of the given lengths, memory grown to fit; valid until the next call (scratch, not allocation). */
  reserve(...lengths: number[]): number[] {
    let end = this.base;
    const offsets = lengths.map((length) => {
      const offset = end;
      end += Math.ceil(length / ALIGN_FLOATS) * ALIGN_FLOATS;
      return offset;
    });
    const missing = end * 4 - this.exports.memory.buffer.byteLength;
    if (missing > 0) this.exports.memory.grow(Math.ceil(missing / PAGE_BYTES));
    return offsets;
  }

  /** All of linear memory as floats (a fresh view after growth). */
  view(): Float32Array {
    if (this.floats.buffer !== this.exports.memory.buffer) this.floats = new Float32Array(this.exports.memory.buffer);
    return this.floats;
  }
}

/** The shared workspace over `kernelsModule`'s memory, or null without it. */
export const workspace: Workspace | null = kernelsModule && new Workspace(kernelsModule);

// All benchmarks: this machine's SIMD ceilings, matmul throughput per engine and
// build as shares of them, then training steps against TensorFlow.js (default
// size, phase breakdown, scaling grid). Prints tables and writes
// bench/results/<time>.json (git-ignored); `npm run bench:doc` turns every
// results file there into docs/performance.md's tables (medians across runs).
//   npm run bench     (Node with --experimental-wasm-relaxed-simd, as Chromium has it)
import {mkdirSync, writeFileSync} from "node:fs";
import {cpus, loadavg} from "node:os";
import {benchCeilings} from "./ceiling.js";
import {benchMatmul} from "./matmul.js";
import {benchGptStep} from "./gpt-step.js";
import {benchTrainStep} from "./train-step.js";
import {kernelsBuild, useFastKernels} from "../lib/index.js";

// The benchmark measures the fast engine; each bench compares it with the reference kernels itself.
useFastKernels();

const round = (value: number, digits = 3) => +value.toFixed(digits);
const percent = (share: number) => `${Math.round(share * 100)}%`;
const loadBefore = loadavg();

console.log(`Node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? "unknown CPU"}, load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")}`);
console.log(`Our kernels: ${kernelsBuild} build. The machine may be shared: compare ratios from one run, not absolute times across runs.\n`);

const ceilings = await benchCeilings();
console.log("Ceilings of one core (median GFLOP/s of f32x4 multiply-adds)");
console.table(ceilings.map(({probe, arithmetic, gflops}) => ({probe, arithmetic, "GFLOP/s": round(gflops, 1)})));

// Each build against the tile probe of its own arithmetic, timed in the same rounds.
const matmul = (await benchMatmul()).map((row) => {
  const arithmetic = row.engine.includes("relaxed-simd") ? "fma" : "mul+add";
  const share = row.shareOfCeiling?.[arithmetic];
  return {...row, ceiling: share === undefined ? undefined : {arithmetic, share}};
});
console.log("Matmul (median ms per call, GFLOP/s, share of the tile probe of the same arithmetic run in the same rounds)");
console.table(matmul.map(({engine, product, m, k, n, milliseconds, gflops, ceiling}) => ({
  engine, product, shape: `${m}×${k}×${n}`, ms: round(milliseconds), "GFLOP/s": round(gflops, 1),
  share: ceiling ? `${percent(ceiling.share)} of ${ceiling.arithmetic}` : ""
})));

const trainStep = await benchTrainStep();
console.log(`\nOne training step, MLP 256→256→10, batch 64, Adam (median ms per step; our matmuls: ${trainStep.ourKernels}, ${kernelsBuild} build)`);
console.table(["lora", "full"].map((mode) => Object.fromEntries([
  ["step", mode === "lora" ? "LoRA r=8 on layers.0" : "full fine-tune"],
  ...trainStep.rows.filter((r) => r.mode === mode).map((r) => [r.engine, round(r.milliseconds)])
])));
console.log(`Speed-up over tfjs-wasm (same run): LoRA ×${trainStep.speedupOverTfjsWasm.lora.toFixed(1)}, full ×${trainStep.speedupOverTfjsWasm.full.toFixed(1)}`);
console.log(`tfjs-wasm features: SIMD ${trainStep.tfjsWasmFeatures.simd ? "on" : "off"}, threads ${trainStep.tfjsWasmFeatures.threads ? "on" : "off"}`);
console.log(`First-step losses (same weights and batch; should agree): ${trainStep.rows.map((r) => `${r.engine}/${r.mode} ${r.firstLoss.toFixed(5)}`).join(", ")}`);
console.log("\nWhere our step spends its time (median ms per phase of Trainer.step; matmul = time inside matmuls during forward + backward; step = whole Trainer.step() timed apart)");
console.table(trainStep.breakdown.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, typeof v === "number" ? round(v) : v]))));
console.log("\nScaling: median ms per step, ours against tfjs-wasm, ratio from the same run");
console.table(trainStep.scaling.map(({width, batch, mode, ours, tfjsWasm, ratio}) => ({width, batch, mode, ours: round(ours), "tfjs-wasm": round(tfjsWasm), ratio: `×${ratio.toFixed(1)}`})));

const gptStep = await benchGptStep();
console.log(`\nOne training step, GPT 2 blocks × C 64 × 4 heads, T 32, batch 16, Adam (median ms per step; our matmuls: ${gptStep.ourKernels})`);
console.table(gptStep.rows.map(({key, milliseconds, steps, firstLoss}) => ({step: key, ms: round(milliseconds), steps, "first loss": round(firstLoss, 5)})));
console.log(`Speed-up over tfjs-wasm (same run): LoRA q,v ×${gptStep.speedupOverTfjsWasm.lora.toFixed(1)}, full ×${gptStep.speedupOverTfjsWasm.full.toFixed(1)}`);

const date = new Date().toISOString();
const results = {
  date,
  node: process.version,
  execArgv: process.execArgv,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  loadAverage: {before: loadBefore, after: loadavg()},
  kernelsBuild,
  ceilings,
  matmul,
  trainStep,
  gptStep
};
const folder = new URL("./results/", import.meta.url);
mkdirSync(folder, {recursive: true});
const file = new URL(`${date.replace(/[:.]/g, "-")}.json`, folder);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nWrote ${file.pathname}`);

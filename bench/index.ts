// All benchmarks: matmul throughput per engine, then one training step against
// TensorFlow.js. Prints tables and writes bench/results.json (git-ignored).
//   npm run bench
import {writeFileSync} from "node:fs";
import {cpus, loadavg} from "node:os";
import {benchMatmul} from "./matmul.js";
import {benchGptStep} from "./gpt-step.js";
import {benchTrainStep} from "./train-step.js";
import {useFastKernels} from "../lib/index.js";

// The benchmark measures the fast engine; each bench compares it with the reference kernels itself.
useFastKernels();

const round = (value: number, digits = 3) => +value.toFixed(digits);

console.log(`Node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? "unknown CPU"}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.log("The machine may be shared: compare ratios from one run, not absolute times across runs.\n");

const matmul = await benchMatmul();
console.log("Matmul (median ms per call, GFLOP/s)");
console.table(matmul.map(({engine, product, m, k, n, milliseconds, gflops}) => ({
  engine, product, shape: `${m}×${k}×${n}`, ms: round(milliseconds), "GFLOP/s": round(gflops, 1)
})));

const trainStep = await benchTrainStep();
console.log(`\nOne training step, MLP 256→256→10, batch 64, Adam (median ms per step; our matmuls: ${trainStep.ourKernels})`);
console.table(["lora", "full"].map((mode) => Object.fromEntries([
  ["step", mode === "lora" ? "LoRA r=8 on layers.0" : "full fine-tune"],
  ...trainStep.rows.filter((r) => r.mode === mode).map((r) => [r.engine, round(r.milliseconds)])
])));
console.log(`Speed-up over tfjs-wasm (same run): LoRA ×${trainStep.speedupOverTfjsWasm.lora.toFixed(1)}, full ×${trainStep.speedupOverTfjsWasm.full.toFixed(1)}`);
console.log(`tfjs-wasm features: SIMD ${trainStep.tfjsWasmFeatures.simd ? "on" : "off"}, threads ${trainStep.tfjsWasmFeatures.threads ? "on" : "off"}`);
console.log(`First-step losses (same weights and batch; should agree): ${trainStep.rows.map((r) => `${r.engine}/${r.mode} ${r.firstLoss.toFixed(5)}`).join(", ")}`);
console.log("\nWhere our step spends its time (median ms per phase; matmul = time inside matmuls during forward + backward)");
console.table(trainStep.breakdown.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, typeof v === "number" ? round(v) : v]))));

const gptStep = await benchGptStep();
console.log(`\nOne training step, GPT 2 blocks × C 64 × 4 heads, T 32, batch 16, Adam (median ms per step; our matmuls: ${gptStep.ourKernels})`);
console.table(gptStep.rows.map(({key, milliseconds, steps, firstLoss}) => ({step: key, ms: round(milliseconds), steps, "first loss": round(firstLoss, 5)})));
console.log(`Speed-up over tfjs-wasm (same run): LoRA q,v ×${gptStep.speedupOverTfjsWasm.lora.toFixed(1)}, full ×${gptStep.speedupOverTfjsWasm.full.toFixed(1)}`);

const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  loadAverage: loadavg(),
  matmul,
  trainStep,
  gptStep
};
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log("\nWrote bench/results.json");

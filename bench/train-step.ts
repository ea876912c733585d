// One training step of an MLP 256→256→10 (ReLU), batch 64, cross-entropy, Adam,
// in this library and in TensorFlow.js (cpu and wasm backends), same weights and
// same batch: a LoRA step (r = 8 on layers.0 only; everything else frozen) and a
// full fine-tuning step. Medians of many steps after a warm-up, in rounds that
// alternate the engines, so a noisy neighbour slows every engine alike.
//   npx tsx bench/train-step.ts
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {setWasmPaths} from "@tensorflow/tfjs-backend-wasm";
import {Buffer} from "node:buffer";
import {createRequire} from "node:module";
import {dirname} from "node:path";
import {Adam, type MatmulKernels, MLP, type Matrix, Linear, Trainer, fillNormal, gatherBatch, injectLoRA, kernels, matrix, rng, setKernels, softmaxCrossEntropy, transpose} from "../lib/index.js";

const SIZES = [256, 256, 10], BATCH = 64, RANK = 8, ALPHA = 16, LR = 1e-3;
const ROUNDS = 3, WARMUP_STEPS = 20, BUDGET_MS = 700, MIN_STEPS = 15;

/** Median milliseconds per step of one engine in one mode. */
export interface StepRow {
  engine: string;
  mode: "lora" | "full";
  milliseconds: number;
  steps: number;
  /** Loss of the first step (same weights and batch everywhere, so these should agree). */
  firstLoss: number;
}

/** Where our LoRA and full steps spend their time, in median ms per phase. */
export interface Breakdown {
  mode: "lora" | "full";
  batch: number;
  forward: number;
  loss: number;
  backward: number;
  optimizer: number;
  /** Of forward + backward, the part inside the three matmuls. */
  matmul: number;
}

/** Everything the train-step bench measured. */
export interface TrainStepReport {
  rows: StepRow[];
  breakdown: Breakdown[];
  /** Ratios tfjs-wasm ms / our ms, per mode, from the same run. */
  speedupOverTfjsWasm: {lora: number; full: number};
  ourKernels: string;
  tfjsWasmFeatures: {simd: boolean; threads: boolean};
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

// The shared task: seeded weights, one batch of 64 random inputs and classes.
function task() {
  const random = rng(7);
  const inputs = matrix(BATCH, SIZES[0], fillNormal(random, new Float32Array(BATCH * SIZES[0])));
  const targets = Int32Array.from({length: BATCH}, () => random.int(SIZES[2]));
  return {inputs, targets};
}

function ourModel(mode: "lora" | "full") {
  const model = new MLP(SIZES, rng(1));
  if (mode === "lora") injectLoRA(model, {targetModules: ["layers.0"], rank: RANK, alpha: ALPHA}, rng(2));
  return model;
}

function ourStep(mode: "lora" | "full"): () => number {
  const model = ourModel(mode);
  const trainer = new Trainer({model, optimizer: new Adam(model.trainableParameters(), {lr: LR}), data: task(), batchSize: BATCH});
  return () => trainer.step().loss;
}

// The same model in tfjs, in its natural layout (W as in×out, y = x·W + b), with
// our initial weights copied in, so both engines start from the same loss.
function tfjsStep(mode: "lora" | "full"): {step: () => number; dispose: () => void} {
  const reference = ourModel(mode);
  const [first, second] = [0, 2].map((i) => reference.layers.modules[i]);
  const linear = (m: unknown) => ((m as {base?: Linear}).base ?? m) as Linear;
  const weightOf = (m: Matrix) => tf.tensor2d(transpose(m).data, [m.cols, m.rows]);
  const trainable = mode === "full";
  const w1 = tf.variable(weightOf(linear(first).weight.value), trainable);
  const b1 = tf.variable(tf.tensor1d(linear(first).bias!.value.data), trainable);
  const w2 = tf.variable(weightOf(linear(second).weight.value), trainable);
  const b2 = tf.variable(tf.tensor1d(linear(second).bias!.value.data), trainable);
  const lora = mode === "lora" ? (first as unknown as {loraA: {value: Matrix}; loraB: {value: Matrix}; scaling: number}) : null;
  const a = lora ? tf.variable(weightOf(lora.loraA.value)) : null; // (in, r)
  const b = lora ? tf.variable(weightOf(lora.loraB.value)) : null; // (r, out)
  const {inputs, targets} = task();
  const x = tf.tensor2d(inputs.data, [BATCH, SIZES[0]]);
  const labels = tf.oneHot(tf.tensor1d(targets, "int32"), SIZES[2]);
  const optimizer = tf.train.adam(LR);
  const varList = lora ? [a!, b!] : [w1, b1, w2, b2];
  const loss = () => {
    let h = tf.add(tf.matMul(x, w1), b1); // (B, in) @ (in, out) -> (B, out)
    if (lora) h = tf.add(h, tf.matMul(tf.mul(tf.matMul(x, a!), lora.scaling), b!)); // (B, in) @ (in, r) @ (r, out)
    const logits = tf.add(tf.matMul(tf.relu(h), w2), b2);
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  };
  return {
    step() {
      const cost = optimizer.minimize(loss, true, varList)!;
      const value = cost.dataSync()[0]; // read outside tidy (minimize tidies internally)
      cost.dispose();
      return value;
    },
    dispose() {
      optimizer.dispose();
      tf.dispose([w1, b1, w2, b2, x, labels, ...(a ? [a, b!] : [])]);
    }
  };
}

// Warm-up, then per-step times until the budget is spent (at least MIN_STEPS).
export function sample(step: () => number): {times: number[]; firstLoss: number} {
  const firstLoss = step();
  for (let i = 1; i < WARMUP_STEPS; i++) step();
  const times: number[] = [];
  for (const start = performance.now(); times.length < MIN_STEPS || performance.now() - start < BUDGET_MS; ) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return {times, firstLoss};
}

// Our step split into phases, with the matmul kernels wrapped to time themselves.
function breakdown(mode: "lora" | "full"): Breakdown {
  const model = ourModel(mode);
  const optimizer = new Adam(model.trainableParameters(), {lr: LR});
  const data = task();
  const order = Int32Array.from({length: BATCH}, (_, i) => i);
  let inMatmul = 0;
  const inner = kernels();
  const timed = (name: "matmul" | "matmulTransB" | "matmulTransA") => (a: Matrix, b: Matrix, out?: Matrix, acc?: boolean) => {
    const t0 = performance.now();
    const c = inner[name](a, b, out, acc);
    inMatmul += performance.now() - t0;
    return c;
  };
  const wrapper: MatmulKernels = {name: inner.name, matmul: timed("matmul"), matmulTransB: timed("matmulTransB"), matmulTransA: timed("matmulTransA")};
  const phases: Record<Exclude<keyof Breakdown, "mode">, number[]> = {batch: [], forward: [], loss: [], backward: [], optimizer: [], matmul: []};
  setKernels(wrapper);
  try {
    for (let i = 0; i < WARMUP_STEPS + 200; i++) {
      inMatmul = 0;
      const t0 = performance.now();
      const batch = gatherBatch(data, order);
      optimizer.zeroGrad();
      const t1 = performance.now();
      const output = model.forward(batch.inputs, {training: true});
      const t2 = performance.now();
      const {grad} = softmaxCrossEntropy(output, batch.targets as Int32Array);
      const t3 = performance.now();
      model.backward(grad, {inputGrad: false});
      const t4 = performance.now();
      optimizer.step();
      const t5 = performance.now();
      if (i < WARMUP_STEPS) continue;
      [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, inMatmul].forEach((t, j) => Object.values(phases)[j].push(t));
    }
  } finally {
    setKernels(inner);
  }
  const result = {mode} as Breakdown;
  for (const [phase, times] of Object.entries(phases)) result[phase as keyof typeof phases] = median(times);
  return result;
}

// tfjs-core's Node build registers no gradients, and its ESM register_all_gradients
// cannot be imported by Node directly (extensionless imports, a file and a folder
// both named "gradients"). esbuild (already installed, via Observable Framework)
// bundles it in memory; the registry and engine live on tfjs's global object, so
// the bundled copy registers into the same place the CJS build reads.
export async function registerTfjsGradients(): Promise<void> {
  const {build} = await import("esbuild");
  const entry = createRequire(import.meta.url).resolve("@tensorflow/tfjs-core/dist/register_all_gradients.js");
  const bundle = await build({entryPoints: [entry], bundle: true, format: "esm", platform: "node", write: false, logLevel: "silent"});
  await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString("base64")}`);
  if (!tf.getGradient("BatchMatMul")) throw new Error("tfjs gradients did not register");
}

/** Runs the comparison; returns rows (median ms per step), our phase breakdown and the ratios. */
export async function benchTrainStep(): Promise<TrainStepReport> {
  // The wasm backend loads its .wasm from node_modules: a file path, no network.
  const wasmDir = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  setWasmPaths(`${wasmDir}/`);
  await registerTfjsGradients();
  const engines = ["ours", "tfjs-wasm", "tfjs-cpu"] as const;
  const modes = ["lora", "full"] as const;
  const samples = new Map<string, {times: number[]; firstLoss: number}>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const engine of engines) {
      if (engine !== "ours") await tf.setBackend(engine === "tfjs-wasm" ? "wasm" : "cpu");
      for (const mode of modes) {
        const key = `${engine}/${mode}`;
        let result;
        if (engine === "ours") {
          result = sample(ourStep(mode));
        } else {
          const {step, dispose} = tfjsStep(mode);
          result = sample(step);
          dispose();
        }
        const previous = samples.get(key);
        samples.set(key, {times: [...(previous?.times ?? []), ...result.times], firstLoss: result.firstLoss});
      }
    }
  }
  await tf.setBackend("wasm");
  const features = {simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT") as boolean, threads: await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT") as boolean};
  const rows: StepRow[] = [];
  for (const engine of engines) {
    for (const mode of modes) {
      const {times, firstLoss} = samples.get(`${engine}/${mode}`)!;
      rows.push({engine: engine === "ours" ? `ours (${kernels().name})` : engine, mode, milliseconds: median(times), steps: times.length, firstLoss});
    }
  }
  const ms = (engine: string, mode: string) => rows.find((r) => r.engine.startsWith(engine) && r.mode === mode)!.milliseconds;
  return {
    rows,
    breakdown: modes.map(breakdown),
    speedupOverTfjsWasm: {lora: ms("tfjs-wasm", "lora") / ms("ours", "lora"), full: ms("tfjs-wasm", "full") / ms("ours", "full")},
    ourKernels: kernels().name,
    tfjsWasmFeatures: features
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await benchTrainStep();
  console.table(report.rows);
  console.table(report.breakdown);
  console.log(report.speedupOverTfjsWasm, report.tfjsWasmFeatures);
}

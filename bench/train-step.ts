// One training step of an MLP width→width→10 (ReLU), cross-entropy, Adam, in
// this library and in TensorFlow.js (cpu and wasm backends), same weights and
// same batch: a LoRA step (r = 8 on layers.0 only; everything else frozen) and a
// full fine-tuning step. At the default size (width 256, batch 64) every engine
// and our phase breakdown; then the scaling table, ours against tfjs-wasm at
// widths 128–1024 × batches 16–256. Medians of many steps after a warm-up, in
// rounds that alternate the engines, so a noisy neighbour slows every engine alike.
//   node --experimental-wasm-relaxed-simd --import tsx bench/train-step.ts
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {setWasmPaths} from "@tensorflow/tfjs-backend-wasm";
import {Buffer} from "node:buffer";
import {createRequire} from "node:module";
import {dirname} from "node:path";
import {Adam, type MatmulKernels, MLP, arenaOf, withArena, type Matrix, Linear, Trainer, countCorrect, fillNormal, gatherBatch, injectLoRA, kernels, matrix, rng, setKernels, softmaxCrossEntropy, transpose} from "../lib/index.js";

const WIDTH = 256, BATCH = 64, CLASSES = 10, RANK = 8, ALPHA = 16, LR = 1e-3;
const ROUNDS = 3, WARMUP_STEPS = 20, BUDGET_MS = 700, MIN_STEPS = 15;
/** The scaling table's grid, and its lighter sampling (one round per cell). */
export const SCALING_WIDTHS = [128, 256, 512, 1024], SCALING_BATCHES = [16, 64, 256];
const SCALING = {warmup: 5, budgetMs: 300, minSteps: 7};

/** A model and batch size: MLP width→width→10. */
interface Size {
  width: number;
  batch: number;
}

/** Median milliseconds per step of one engine in one mode. */
export interface StepRow {
  engine: string;
  mode: "lora" | "full";
  milliseconds: number;
  steps: number;
  /** Loss of the first step (same weights and batch everywhere, so these should agree). */
  firstLoss: number;
}

/** Where our LoRA and full steps spend their time, in median ms per phase: every phase of `Trainer.step`. */
export interface Breakdown {
  mode: "lora" | "full";
  /** Gathering the shuffled batch's rows. */
  batch: number;
  zeroGrad: number;
  forward: number;
  loss: number;
  backward: number;
  /** The gradient norm: only when clipping (the bench does not clip, so ~0). */
  gradNorm: number;
  optimizer: number;
  /** Batch accuracy (argmax per row). */
  accuracy: number;
  /** Of forward + backward, the part inside the three matmuls. */
  matmul: number;
  /** A whole `Trainer.step()`, timed separately, to show the phases account for it. */
  step: number;
}

/** Ours against tfjs-wasm at one size of the scaling grid. */
export interface ScalingRow extends Size {
  mode: "lora" | "full";
  ours: number;
  tfjsWasm: number;
  /** tfjsWasm / ours, same run. */
  ratio: number;
}

/** Everything the train-step bench measured. */
export interface TrainStepReport {
  rows: StepRow[];
  breakdown: Breakdown[];
  scaling: ScalingRow[];
  /** Ratios tfjs-wasm ms / our ms, per mode: the median over steps taken alternately (ours, theirs). */
  speedupOverTfjsWasm: {lora: number; full: number};
  ourKernels: string;
  tfjsWasmFeatures: {simd: boolean; threads: boolean};
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

// The shared task: seeded weights, one batch of random inputs and classes.
function task({width, batch}: Size) {
  const random = rng(7);
  const inputs = matrix(batch, width, fillNormal(random, new Float32Array(batch * width)));
  const targets = Int32Array.from({length: batch}, () => random.int(CLASSES));
  return {inputs, targets};
}

function ourModel(mode: "lora" | "full", {width}: Size) {
  const model = new MLP([width, width, CLASSES], rng(1));
  if (mode === "lora") injectLoRA(model, {targetModules: ["layers.0"], rank: RANK, alpha: ALPHA}, rng(2));
  return model;
}

function ourStep(mode: "lora" | "full", size: Size): () => number {
  const model = ourModel(mode, size);
  const trainer = new Trainer({model, optimizer: new Adam(model.trainableParameters(), {lr: LR}), data: task(size), batchSize: size.batch});
  return () => trainer.step().loss;
}

// The same model in tfjs, in its natural layout (W as in×out, y = x·W + b), with
// our initial weights copied in, so both engines start from the same loss.
function tfjsStep(mode: "lora" | "full", size: Size): {step: () => number; dispose: () => void} {
  const reference = ourModel(mode, size);
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
  const {inputs, targets} = task(size);
  const x = tf.tensor2d(inputs.data, [size.batch, size.width]);
  const labels = tf.oneHot(tf.tensor1d(targets, "int32"), CLASSES);
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

// Warm-up, then per-step times until the budget is spent (at least minSteps).
export function sample(step: () => number, {warmup = WARMUP_STEPS, budgetMs = BUDGET_MS, minSteps = MIN_STEPS} = {}): {times: number[]; firstLoss: number} {
  const firstLoss = step();
  for (let i = 1; i < warmup; i++) step();
  const times: number[] = [];
  for (const start = performance.now(); times.length < minSteps || performance.now() - start < budgetMs; ) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return {times, firstLoss};
}

// Our step and theirs alternately, one step each, so both see the same load from
// the other processes on this machine; the ratio is the median of the pairs'.
function paired(ours: () => number, theirs: () => number, {warmup = WARMUP_STEPS, budgetMs = BUDGET_MS, minSteps = MIN_STEPS} = {}) {
  for (let i = 0; i < warmup; i++) (ours(), theirs());
  const oursTimes: number[] = [], theirTimes: number[] = [], ratios: number[] = [];
  for (const start = performance.now(); oursTimes.length < minSteps || performance.now() - start < budgetMs; ) {
    const t0 = performance.now();
    ours();
    const t1 = performance.now();
    theirs();
    const t2 = performance.now();
    oursTimes.push(t1 - t0);
    theirTimes.push(t2 - t1);
    ratios.push((t2 - t1) / (t1 - t0));
  }
  return {ours: median(oursTimes), theirs: median(theirTimes), ratio: median(ratios)};
}

// Our step split into every phase Trainer.step runs, in its order, with the
// matmul kernels wrapped to time themselves; then whole Trainer.step() calls on
// a twin model, so the phases can be checked against the step they split.
export function breakdown(mode: "lora" | "full", size: Size = {width: WIDTH, batch: BATCH}): Breakdown {
  const model = ourModel(mode, size);
  const optimizer = new Adam(model.trainableParameters(), {lr: LR});
  const data = task(size);
  const order = Int32Array.from({length: size.batch}, (_, i) => i);
  let inMatmul = 0;
  const inner = kernels();
  const timed = (name: "matmul" | "matmulTransB" | "matmulTransA") => (a: Matrix, b: Matrix, out?: Matrix, acc?: boolean) => {
    const t0 = performance.now();
    const c = inner[name](a, b, out, acc);
    inMatmul += performance.now() - t0;
    return c;
  };
  const wrapper: MatmulKernels = {name: inner.name, matmul: timed("matmul"), matmulTransB: timed("matmulTransB"), matmulTransA: timed("matmulTransA")};
  const names = ["batch", "zeroGrad", "forward", "loss", "backward", "gradNorm", "optimizer", "accuracy"] as const;
  const phases: Record<Exclude<keyof Breakdown, "mode">, number[]> = {
    batch: [], zeroGrad: [], forward: [], loss: [], backward: [], gradNorm: [], optimizer: [], accuracy: [], matmul: [], step: []
  };
  setKernels(wrapper);
  try {
    for (let i = 0; i < WARMUP_STEPS + 200; i++) {
      inMatmul = 0;
      // Inside the model's step arena, as Trainer.step runs (lib/matrix/arena.ts).
      const t = withArena(arenaOf(model), () => {
        const t = [performance.now()];
        const batch = gatherBatch(data, order);
        t.push(performance.now());
        optimizer.zeroGrad();
        t.push(performance.now());
        const output = model.forward(batch.inputs, {training: true});
        t.push(performance.now());
        const {grad} = softmaxCrossEntropy(output, batch.targets as Int32Array);
        t.push(performance.now());
        model.backward(grad, {inputGrad: false});
        t.push(performance.now());
        // Trainer.step computes the norm only when clipping; the bench does not clip.
        t.push(performance.now());
        optimizer.step();
        t.push(performance.now());
        countCorrect(output, batch.targets as Int32Array);
        t.push(performance.now());
        return t;
      });
      if (i < WARMUP_STEPS) continue;
      names.forEach((name, j) => phases[name].push(t[j + 1] - t[j]));
      phases.matmul.push(inMatmul);
    }
  } finally {
    setKernels(inner);
  }
  phases.step = sample(ourStep(mode, size)).times;
  const result = {mode} as Breakdown;
  for (const [phase, times] of Object.entries(phases)) result[phase as keyof typeof phases] = median(times);
  return result;
}

// Ours against tfjs-wasm at every size of the grid (tfjs's backend must be wasm).
/** One cell of the scaling grid: ours and tfjs-wasm stepped alternately (tfjs's backend must be set). */
export function scalingCell(mode: "lora" | "full", size: Size): ScalingRow {
  const {step, dispose} = tfjsStep(mode, size);
  const {ours, theirs: tfjsWasm, ratio} = paired(ourStep(mode, size), step, SCALING);
  dispose();
  return {...size, mode, ours, tfjsWasm, ratio};
}

function scaling(): ScalingRow[] {
  const rows: ScalingRow[] = [];
  for (const width of SCALING_WIDTHS) {
    for (const batch of SCALING_BATCHES) {
      for (const mode of ["lora", "full"] as const) {
        rows.push(scalingCell(mode, {width, batch}));
      }
    }
  }
  return rows;
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
        const size = {width: WIDTH, batch: BATCH};
        if (engine === "ours") {
          result = sample(ourStep(mode, size));
        } else {
          const {step, dispose} = tfjsStep(mode, size);
          result = sample(step);
          dispose();
        }
        const previous = samples.get(key);
        samples.set(key, {times: [...(previous?.times ?? []), ...result.times], firstLoss: result.firstLoss});
      }
    }
  }
  await tf.setBackend("wasm");
  const scalingRows = scaling();
  const speedup = Object.fromEntries(modes.map((mode) => {
    const size = {width: WIDTH, batch: BATCH};
    const {step, dispose} = tfjsStep(mode, size);
    const {ratio} = paired(ourStep(mode, size), step, {budgetMs: 3 * BUDGET_MS});
    dispose();
    return [mode, ratio];
  })) as {lora: number; full: number};
  const features = {simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT") as boolean, threads: await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT") as boolean};
  const rows: StepRow[] = [];
  for (const engine of engines) {
    for (const mode of modes) {
      const {times, firstLoss} = samples.get(`${engine}/${mode}`)!;
      rows.push({engine: engine === "ours" ? `ours (${kernels().name})` : engine, mode, milliseconds: median(times), steps: times.length, firstLoss});
    }
  }
  return {
    rows,
    breakdown: modes.map((mode) => breakdown(mode)),
    scaling: scalingRows,
    speedupOverTfjsWasm: speedup,
    ourKernels: kernels().name,
    tfjsWasmFeatures: features
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await benchTrainStep();
  console.table(report.rows);
  console.table(report.breakdown);
  console.table(report.scaling);
  console.log(report.speedupOverTfjsWasm, report.tfjsWasmFeatures);
}

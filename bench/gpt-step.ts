// One training step of the site's small GPT (2 blocks, C = 64, 4 heads, T = 32,
// vocabulary 39, batch 16: src/data/gpt-config.ts) in this library and in
// TensorFlow.js core ops on its wasm backend, same weights and batch: LoRA r = 8 on
// q_proj and v_proj (the paper's default, §7.1), and full fine-tuning. Adam, no clipping.
//   npx tsx bench/gpt-step.ts
import * as tf from "@tensorflow/tfjs-core";
import {setWasmPaths} from "@tensorflow/tfjs-backend-wasm";
import {createRequire} from "node:module";
import {dirname} from "node:path";
import {Adam, GPT, type GPTConfig, type LoRALinear, type Matrix, fillNormal, injectLoRA, kernels, languageModelStep, matrix, rng, transpose, useFastKernels} from "../lib/index.js";
import {median, registerTfjsGradients, sample} from "./train-step.js";

const CONFIG: GPTConfig = {vocabSize: 39, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 64};
const BATCH = 16, RANK = 8, ALPHA = 16, LR = 1e-3, ROUNDS = 3;
/** LoRA r = 8 on q_proj and v_proj, or every weight trained. */
export type Mode = "lora" | "full";

/** The bench's batch: 16 random windows of T = 32 ids and their random targets (seeded). */
export function gptBatch() {
  const random = rng(7), T = CONFIG.blockSize;
  const ids = matrix(BATCH, T, Float32Array.from({length: BATCH * T}, () => random.int(CONFIG.vocabSize)));
  return {ids, targets: Int32Array.from({length: BATCH * T}, () => random.int(CONFIG.vocabSize))};
}

/** The bench's GPT (seed 1), with LoRA on q_proj and v_proj (nonzero B) for "lora". */
export function gptModel(mode: Mode): GPT {
  const model = new GPT(CONFIG, rng(1));
  if (mode === "lora") {
    for (const [, layer] of injectLoRA(model, {targetModules: ["q_proj", "v_proj"], rank: RANK, alpha: ALPHA}, rng(2))) {
      fillNormal(rng(3), layer.loraB.value.data, 0.02); // nonzero B, so both engines see the adapter's path
    }
  }
  return model;
}

function ourStep(mode: Mode): () => number {
  const model = gptModel(mode), data = gptBatch();
  const optimizer = new Adam(model.trainableParameters(), {lr: LR});
  return () => languageModelStep(model, optimizer, data);
}

// The same GPT in tfjs ops, our initial weights copied in (Linear W as in × out).
function tfjsStep(mode: Mode): {step: () => number; dispose: () => void} {
  const reference = gptModel(mode);
  const params = new Map(reference.namedParameters().map(([name, p]) => [name.replace(/\.base_layer/, ""), p]));
  const lora = new Map(reference.namedModules().filter(([, m]) => m.kind === "LoRALinear") as [string, LoRALinear][]);
  const variables: tf.Variable[] = [];
  const variable = (m: Matrix, shape: number[], trainable: boolean) => {
    const v = tf.variable(tf.tensor(m.data, shape), trainable);
    variables.push(v);
    return v;
  };
  const full = mode === "full";
  const weight = (name: string) => variable(transpose(params.get(name)!.value), [params.get(name)!.value.cols, params.get(name)!.value.rows], full);
  const vector = (name: string) => variable(params.get(name)!.value, [params.get(name)!.value.cols], full);
  const wte = variable(params.get("wte.weight")!.value, [CONFIG.vocabSize, CONFIG.nEmbd], full);
  const wpe = variable(params.get("wpe.weight")!.value, [CONFIG.blockSize, CONFIG.nEmbd], full);
  const adapters = new Map([...lora].map(([name, layer]) => [name, {
    A: variable(transpose(layer.loraA.value), [layer.loraA.value.cols, RANK], true), // (in, r)
    B: variable(transpose(layer.loraB.value), [RANK, layer.loraB.value.rows], true), // (r, out)
    scaling: layer.scaling
  }]));
  const linear = (name: string) => {
    const w = weight(`${name}.weight`), b = vector(`${name}.bias`);
    return (x: tf.Tensor2D) => {
      let y = tf.add(tf.matMul(x, w), b) as tf.Tensor2D; // (N, in) @ (in, out) -> (N, out)
      const a = adapters.get(name);
      if (a) y = tf.add(y, tf.matMul(tf.mul(tf.matMul(x, a.A), a.scaling), a.B)); // (N, in) @ (in, r) @ (r, out)
      return y;
    };
  };
  const norm = (name: string) => {
    const g = vector(`${name}.weight`), b = vector(`${name}.bias`);
    return (x: tf.Tensor2D) => {
      const {mean, variance} = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b) as tf.Tensor2D;
    };
  };
  const {nLayer, nHead, nEmbd: C, blockSize: T} = CONFIG, d = C / nHead;
  const blocks = Array.from({length: nLayer}, (_, l) => {
    const p = `blocks.${l}`;
    return {
      ln1: norm(`${p}.ln_1`), ln2: norm(`${p}.ln_2`),
      q: linear(`${p}.attn.q_proj`), k: linear(`${p}.attn.k_proj`), v: linear(`${p}.attn.v_proj`), o: linear(`${p}.attn.o_proj`),
      up: linear(`${p}.mlp.up_proj`), down: linear(`${p}.mlp.down_proj`)
    };
  });
  const lnF = norm("ln_f");
  const head = variable(transpose(params.get("lm_head.weight")!.value), [C, CONFIG.vocabSize], full);
  const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0); // lower triangle: row t sees 0…t
  const {ids, targets} = gptBatch();
  // The lookup as one-hot · wte: tfjs-wasm has no UnsortedSegmentSum, the kernel gather's gradient needs.
  const idTensor = tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(ids.data), "int32"), CONFIG.vocabSize), "float32") as tf.Tensor2D;
  const labels = tf.oneHot(tf.tensor1d(targets, "int32"), CONFIG.vocabSize);
  const heads = (x: tf.Tensor2D) => tf.transpose(tf.reshape(x, [BATCH, T, nHead, d]), [0, 2, 1, 3]); // (B·T, C) -> (B, h, T, d)
  const gelu = (x: tf.Tensor2D) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))) as tf.Tensor2D;
  const loss = () => {
    let x = tf.add(tf.matMul(idTensor, wte), tf.tile(wpe, [BATCH, 1])) as tf.Tensor2D; // (B·T, C)
    for (const b of blocks) {
      const h = b.ln1(x);
      const scores = tf.mul(tf.matMul(heads(b.q(h)), heads(b.k(h)), false, true), 1 / Math.sqrt(d)); // (B, h, T, T)
      const p = tf.softmax(tf.add(scores, tf.mul(tf.sub(mask, 1), 1e9)));
      const merged = tf.reshape(tf.transpose(tf.matMul(p, heads(b.v(h))), [0, 2, 1, 3]), [BATCH * T, C]) as tf.Tensor2D;
      x = tf.add(x, b.o(merged));
      x = tf.add(x, b.down(gelu(b.up(b.ln2(x)))));
    }
    return tf.losses.softmaxCrossEntropy(labels, tf.matMul(lnF(x), head)) as tf.Scalar;
  };
  const optimizer = tf.train.adam(LR);
  const varList = variables.filter((v) => v.trainable);
  return {
    step() {
      const cost = optimizer.minimize(loss, true, varList)!;
      const value = cost.dataSync()[0];
      cost.dispose();
      return value;
    },
    dispose() {
      optimizer.dispose();
      tf.dispose([...variables, mask, idTensor, labels]);
    }
  };
}

/** Median ms per step for ours and tfjs-wasm, LoRA and full, rounds alternating the engines; ratios from the same run. */
export async function benchGptStep() {
  const wasmDir = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  setWasmPaths(`${wasmDir}/`);
  if (!tf.getGradient("BatchMatMul")) await registerTfjsGradients();
  await tf.setBackend("wasm");
  const times = new Map<string, number[]>(), firstLoss = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ["lora", "full"] as const) {
      const ours = sample(ourStep(mode));
      const theirs = tfjsStep(mode);
      const tfjs = sample(theirs.step);
      theirs.dispose();
      for (const [key, result] of [[`ours/${mode}`, ours], [`tfjs-wasm/${mode}`, tfjs]] as const) {
        times.set(key, [...(times.get(key) ?? []), ...result.times]);
        firstLoss.set(key, result.firstLoss);
      }
    }
  }
  const ms = (key: string) => median(times.get(key)!);
  const rows = [...times.keys()].map((key) => ({key, milliseconds: ms(key), steps: times.get(key)!.length, firstLoss: firstLoss.get(key)!}));
  return {rows, speedupOverTfjsWasm: {lora: ms("tfjs-wasm/lora") / ms("ours/lora"), full: ms("tfjs-wasm/full") / ms("ours/full")}, ourKernels: kernels().name};
}

if (import.meta.url === `file://${process.argv[1]}`) {
  useFastKernels(); // as bench/index.ts: the engine pages, workers and loaders run
  const report = await benchGptStep();
  console.table(report.rows);
  console.log(report.speedupOverTfjsWasm);
}

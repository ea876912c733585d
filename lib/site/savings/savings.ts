// What LoRA saves, counted from a model's shapes (Hu et al. 2021, arXiv:2106.09685):
// trainable parameters, model totals, adapter file size, training-memory state and
// storage for many task models. Pure arithmetic on published shapes; every preset
// cites the paper or config file its numbers come from, and a model we could not
// verify is left out rather than guessed (DeBERTa XXL: its 4.7M in Table 2 does not
// follow from the §5.1 formula with the shapes we could check).
import {abbreviateCount, formatBinaryBytes, formatBytes} from "../../index.js";

/** Matrix groups a LoRA choice can name: the four attention projections, and the MLP (all its matrices). */
export type MatrixGroup = "q" | "k" | "v" | "o" | "mlp";

/** Every group, in the order the page lists them. */
export const matrixGroups: readonly MatrixGroup[] = ["q", "k", "v", "o", "mlp"];

/** Shapes that decide a Transformer's weight matrices and parameter count. */
export interface ModelShape {
  layers: number;
  dModel: number;
  /** MLP hidden width (4·d_model for GPT-2/3 and RoBERTa). */
  dFF: number;
  heads: number;
  /** Key/value heads: equal to `heads` without grouped-query attention (GQA). */
  kvHeads: number;
  headDim: number;
  /** SwiGLU MLP (gate, up, down) instead of a two-matrix GELU MLP (up, down). */
  gatedMLP: boolean;
  vocab: number;
  /** Rows of a learned position table (0 for rotary embeddings). */
  positions: number;
  /** Extra learned embedding rows, e.g. RoBERTa's single token-type row. */
  typeRows: number;
  /** The output head reuses the token embedding (GPT-2/3, RoBERTa) or has its own (Llama, Mistral). */
  tiedEmbeddings: boolean;
  /** Linear layers carry biases (GPT, RoBERTa) or not (Llama, Mistral). */
  biases: boolean;
  /** LayerNorm has weight and bias (2·d per norm); RMSNorm only a weight (d). */
  norm: "layernorm" | "rmsnorm";
}

/** A named model with its shapes, the published parameter count and where each comes from. */
export interface ModelPreset extends ModelShape {
  id: string;
  name: string;
  /** The published total (the reference figure; our own count is `modelParameters`). */
  published: {parameters: number; label: string; source: string};
  /** Where the shapes come from. */
  source: string;
}

const gpt = {kvHeads: 0, gatedMLP: false, typeRows: 0, tiedEmbeddings: true, biases: true, norm: "layernorm"} as const;
const gpt2Source = "Radford et al. 2019, \"Language Models are Unsupervised Multitask Learners\", Table 2; Hugging Face config.json (n_layer, n_embd, n_head, n_positions 1024, vocab 50257)";
const roberta = {...gpt, vocab: 50265, positions: 514, typeRows: 1, headDim: 64} as const;
const llama = {gatedMLP: true, positions: 0, typeRows: 0, tiedEmbeddings: false, biases: false, norm: "rmsnorm", headDim: 128} as const;

/** Published models. Heads·headDim = d_model in all of them; K/V narrow only under GQA. */
export const modelPresets: readonly ModelPreset[] = [
  {
    id: "gpt3-175b", name: "GPT-3 175B",
    ...gpt, layers: 96, dModel: 12288, dFF: 4 * 12288, heads: 96, kvHeads: 96, headDim: 128, vocab: 50257, positions: 2048,
    published: {parameters: 175e9, label: "175B", source: "Brown et al. 2020, arXiv:2005.14165, Table 2.1 (LoRA Table 4 lists 175,255.8M for full fine-tuning)"},
    source: "Brown et al. 2020, arXiv:2005.14165, Table 2.1 (96 layers, d_model 12288, 96 heads of 128, context 2048; d_ff = 4·d_model, §2.1); LoRA paper §5.5"
  },
  {
    id: "roberta-base", name: "RoBERTa-base",
    ...roberta, layers: 12, dModel: 768, dFF: 3072, heads: 12, kvHeads: 12,
    published: {parameters: 125e6, label: "125M", source: "LoRA paper, Table 2 and §5.2"},
    source: "Liu et al. 2019, arXiv:1907.11692 (BERT-base shapes); Hugging Face roberta-base config.json (12 layers, hidden 768, intermediate 3072, vocab 50265, 514 positions)"
  },
  {
    id: "roberta-large", name: "RoBERTa-large",
    ...roberta, layers: 24, dModel: 1024, dFF: 4096, heads: 16, kvHeads: 16,
    published: {parameters: 355e6, label: "355M", source: "LoRA paper, Table 2 and §5.2"},
    source: "Liu et al. 2019, arXiv:1907.11692 (BERT-large shapes); Hugging Face roberta-large config.json (24 layers, hidden 1024, intermediate 4096, vocab 50265, 514 positions)"
  },
  ...([
    ["gpt2-small", "GPT-2 small", 12, 768, 12, 117e6, "117M"],
    ["gpt2-medium", "GPT-2 medium", 24, 1024, 16, 345e6, "345M"],
    ["gpt2-large", "GPT-2 large", 36, 1280, 20, 762e6, "762M"],
    ["gpt2-xl", "GPT-2 XL", 48, 1600, 25, 1542e6, "1542M"]
  ] as const).map(([id, name, layers, dModel, heads, parameters, label]): ModelPreset => ({
    id, name, ...gpt, layers, dModel, dFF: 4 * dModel, heads, kvHeads: heads, headDim: 64, vocab: 50257, positions: 1024,
    published: {parameters, label, source: "Radford et al. 2019, Table 2 (Hugging Face's recount of the same weights is 124M / 355M / 774M / 1.5B)"},
    source: gpt2Source
  })),
  {
    id: "llama2-7b", name: "Llama-2-7B",
    ...llama, layers: 32, dModel: 4096, dFF: 11008, heads: 32, kvHeads: 32, vocab: 32000,
    published: {parameters: 7e9, label: "7B", source: "Touvron et al. 2023, arXiv:2307.09288"},
    source: "meta-llama/Llama-2-7b-hf config.json (32 layers, hidden 4096, intermediate 11008, 32 heads, 32 KV heads, vocab 32000, untied head)"
  },
  {
    id: "mistral-7b", name: "Mistral-7B",
    ...llama, layers: 32, dModel: 4096, dFF: 14336, heads: 32, kvHeads: 8, vocab: 32000,
    published: {parameters: 7e9, label: "7B", source: "Jiang et al. 2023, arXiv:2310.06825"},
    source: "Jiang et al. 2023, arXiv:2310.06825, Table 1; mistralai/Mistral-7B-v0.1 config.json (32 layers, hidden 4096, intermediate 14336, 32 heads, 8 KV heads of 128 → W_k, W_v are 4096×1024, vocab 32000)"
  },
  {
    id: "llama3-8b", name: "Llama-3-8B",
    ...llama, layers: 32, dModel: 4096, dFF: 14336, heads: 32, kvHeads: 8, vocab: 128256,
    published: {parameters: 8e9, label: "8B", source: "meta-llama/Meta-Llama-3-8B model card"},
    source: "meta-llama/Meta-Llama-3-8B config.json (32 layers, hidden 4096, intermediate 14336, 32 heads, 8 KV heads of 128 → W_k, W_v are 4096×1024, vocab 128256, untied head)"
  }
];

/** Throws a RangeError unless `value` is a whole number in [low, high]; `why` explains the upper bound. */
function checkWhole(name: string, value: number, low: number, high = Infinity, why = ""): void {
  if (!Number.isInteger(value) || value < low || value > high) {
    const range = high === Infinity ? `≥ ${low}` : `in [${low}, ${high}]`;
    throw new RangeError(`${name} must be a whole number ${range}${why}, got ${value}`);
  }
}

/** Checks a shape (whole, positive sizes; heads divisible by KV heads) and returns it. */
export function checkShape<T extends ModelShape>(model: T): T {
  for (const key of ["layers", "dModel", "dFF", "heads", "kvHeads", "headDim"] as const) checkWhole(key, model[key], 1);
  for (const key of ["vocab", "positions", "typeRows"] as const) checkWhole(key, model[key], 0);
  if (model.heads % model.kvHeads !== 0) throw new RangeError(`kvHeads must divide heads (${model.heads}), got ${model.kvHeads}`);
  return model;
}

/** A model from your own shapes (square attention unless kvHeads < heads), checked; the published figure is our own count. */
export function customModel({layers, dModel, dFF = 4 * dModel, heads = 1, kvHeads = heads, gatedMLP = false}: {
  layers: number; dModel: number; dFF?: number; heads?: number; kvHeads?: number; gatedMLP?: boolean;
}): ModelPreset {
  checkWhole("layers", layers, 1);
  checkWhole("dModel", dModel, 1);
  checkWhole("heads", heads, 1);
  if (dModel % heads !== 0) throw new RangeError(`heads must divide dModel (${dModel}), got ${heads}`);
  // vocab 0: no embeddings counted, so the total is the layers' weights and norms.
  const shape = checkShape({layers, dModel, dFF, heads, kvHeads, headDim: dModel / heads, gatedMLP, vocab: 0, positions: 0, typeRows: 0, tiedEmbeddings: true, biases: false, norm: "rmsnorm" as const});
  const total = modelParameters(shape).total;
  return {...shape, id: "custom", name: "Custom model", published: {parameters: total, label: abbreviateCount(total), source: "our count (no published figure)"}, source: "your shapes (layer weights and norms; no embeddings)"};
}

/** One adaptable weight of a layer: y = W x with W of shape (dOut, dIn), as in the paper's W0 ∈ R^{d×k}. */
export interface WeightMatrix {name: string; group: MatrixGroup; dIn: number; dOut: number}

/** The adaptable matrices of one layer (§4.2: W_q, W_k, W_v, W_o and the MLP's), with GQA's narrow W_k, W_v. */
export function layerMatrices(model: ModelShape): WeightMatrix[] {
  const {dModel, dFF, heads, kvHeads, headDim} = model;
  const mlp: WeightMatrix[] = [
    ...(model.gatedMLP ? [{name: "W_gate", group: "mlp" as const, dIn: dModel, dOut: dFF}] : []),
    {name: "W_up", group: "mlp", dIn: dModel, dOut: dFF},
    {name: "W_down", group: "mlp", dIn: dFF, dOut: dModel}
  ];
  return [
    {name: "W_q", group: "q", dIn: dModel, dOut: heads * headDim},
    {name: "W_k", group: "k", dIn: dModel, dOut: kvHeads * headDim}, // (d_model) -> (kvHeads·headDim): 4096 -> 1024 in Mistral
    {name: "W_v", group: "v", dIn: dModel, dOut: kvHeads * headDim},
    {name: "W_o", group: "o", dIn: heads * headDim, dOut: dModel},
    ...mlp
  ];
}

/** The matrices a choice of groups selects; RangeError when the choice is empty or names an unknown group. */
export function selectedMatrices(model: ModelShape, groups: readonly MatrixGroup[]): WeightMatrix[] {
  if (groups.length === 0) throw new RangeError(`matrices must name at least one of ${matrixGroups.join(", ")}, got none`);
  for (const group of groups) {
    if (!matrixGroups.includes(group)) throw new RangeError(`matrices must be among ${matrixGroups.join(", ")}, got ${group}`);
  }
  return layerMatrices(model).filter((m) => groups.includes(m.group));
}

/** The largest rank the chosen matrices allow: r ≤ min(d_in, d_out) of every one of them. */
export function maxRank(model: ModelShape, groups: readonly MatrixGroup[]): number {
  return Math.min(...selectedMatrices(model, groups).map((m) => Math.min(m.dIn, m.dOut)));
}

/**
 * LoRA's trainable parameters: each adapted W (dOut×dIn) gets B (dOut×r) and A (r×dIn),
 * r·(dIn + dOut) numbers, in every layer. For square matrices this is §5.1's
 * |Θ| = 2·L̂·d_model·r (see `loraParametersSquare`).
 */
export function loraParameters(model: ModelShape, {matrices, rank}: {matrices: readonly MatrixGroup[]; rank: number}): number {
  checkWhole("layers", model.layers, 1);
  const chosen = selectedMatrices(model, matrices);
  const smallest = chosen.reduce((a, m) => (Math.min(m.dIn, m.dOut) < Math.min(a.dIn, a.dOut) ? m : a));
  const limit = Math.min(smallest.dIn, smallest.dOut);
  checkWhole("rank", rank, 1, limit, ` (r ≤ min(d_in, d_out); ${smallest.name} is ${smallest.dOut}×${smallest.dIn})`);
  return model.layers * chosen.reduce((sum, m) => sum + rank * (m.dIn + m.dOut), 0);
}

/** The paper's formula (§5.1): |Θ| = 2 × L̂ × d_model × r, with L̂ the number of adapted square matrices over all layers. */
export function loraParametersSquare(adaptedMatrices: number, dModel: number, rank: number): number {
  checkWhole("adaptedMatrices", adaptedMatrices, 1);
  checkWhole("dModel", dModel, 1);
  checkWhole("rank", rank, 1, dModel, " (r ≤ d_model)");
  return 2 * adaptedMatrices * dModel * rank;
}

/** Our count of a model's parameters, by kind. */
export interface ParameterBreakdown {attention: number; mlp: number; biasesAndNorms: number; embeddings: number; total: number}

/**
 * Counts attention and MLP weights, biases, norms (two per layer plus one final or
 * embedding norm), token/position/type embeddings and an untied output head. Not
 * counted: task heads (RoBERTa's pooler, classifiers). The published total is the reference.
 */
export function modelParameters(model: ModelShape): ParameterBreakdown {
  checkShape(model);
  const matrices = layerMatrices(model);
  const weights = (group: (g: MatrixGroup) => boolean) =>
    model.layers * matrices.filter((m) => group(m.group)).reduce((sum, m) => sum + m.dIn * m.dOut, 0);
  const biases = model.biases ? matrices.reduce((sum, m) => sum + m.dOut, 0) : 0;
  const normSize = model.norm === "layernorm" ? 2 * model.dModel : model.dModel;
  const biasesAndNorms = model.layers * (biases + 2 * normSize) + normSize;
  const embeddings = (model.vocab * (model.tiedEmbeddings ? 1 : 2) + model.positions + model.typeRows) * model.dModel;
  const attention = weights((g) => g !== "mlp"), mlp = weights((g) => g === "mlp");
  return {attention, mlp, biasesAndNorms, embeddings, total: attention + mlp + biasesAndNorms + embeddings};
}

/** Size of an adapter file holding `parameters` numbers: 2 bytes each at fp16, 4 at fp32 (no file header). */
export function adapterFileBytes(parameters: number): {fp16: number; fp32: number} {
  checkWhole("parameters", parameters, 0);
  return {fp16: 2 * parameters, fp32: 4 * parameters};
}

/**
 * How training stores its numbers. fp32: weights, gradients and both Adam moments at 4 bytes.
 * mixed (Micikevicius et al. 2018; 16 bytes per trained parameter as in ZeRO, Rajbhandari
 * et al. 2020, §3.1): fp16 weights and gradients, fp32 master weights and moments.
 * fp16: everything at 2 bytes.
 */
export type TrainingPrecision = "fp32" | "mixed" | "fp16";

const bytesPer: Record<TrainingPrecision, {weight: number; master: number; gradient: number; moments: number}> = {
  fp32: {weight: 4, master: 0, gradient: 4, moments: 8},
  mixed: {weight: 2, master: 4, gradient: 2, moments: 8},
  fp16: {weight: 2, master: 0, gradient: 2, moments: 4}
};

/** Bytes of training state by kind. Activations are not included: LoRA does not reduce them. */
export interface MemoryBreakdown {weights: number; masterWeights: number; gradients: number; adamMoments: number; total: number}

function breakdown(weights: number, masterWeights: number, gradients: number, adamMoments: number): MemoryBreakdown {
  return {weights, masterWeights, gradients, adamMoments, total: weights + masterWeights + gradients + adamMoments};
}

/**
 * Training state with Adam, full fine-tuning vs LoRA (§4.2: frozen weights need no
 * gradients and no optimizer state). Full FT trains all `totalParameters`; LoRA keeps
 * them frozen at the weight precision and trains only the `trainableParameters` adapter.
 */
export function trainingMemory(totalParameters: number, trainableParameters: number, precision: TrainingPrecision = "mixed"): {full: MemoryBreakdown; lora: MemoryBreakdown} {
  checkWhole("totalParameters", totalParameters, 1);
  checkWhole("trainableParameters", trainableParameters, 0);
  const b = bytesPer[precision];
  if (!b) throw new RangeError(`precision must be one of ${Object.keys(bytesPer).join(", ")}, got ${precision}`);
  const trained = (n: number, frozen: number) => breakdown((n + frozen) * b.weight, n * b.master, n * b.gradient, n * b.moments);
  return {full: trained(totalParameters, 0), lora: trained(trainableParameters, totalParameters)};
}

/** Storage for `tasks` task models: full copies vs one base model plus one adapter per task (§4.2, footnote 4). */
export function taskStorage(baseBytes: number, adapterSize: number, tasks: number): {fullCopies: number; baseAndAdapters: number; ratio: number} {
  checkWhole("tasks", tasks, 1);
  const fullCopies = tasks * baseBytes, baseAndAdapters = baseBytes + tasks * adapterSize;
  return {fullCopies, baseAndAdapters, ratio: fullCopies / baseAndAdapters};
}

/** A preset by id; RangeError naming the known ids otherwise. */
export function modelPreset(id: string): ModelPreset {
  const preset = modelPresets.find((p) => p.id === id);
  if (!preset) throw new RangeError(`model must be one of ${modelPresets.map((p) => p.id).join(", ")}, got ${id}`);
  return preset;
}

/** One of the paper's figures next to ours, with how they agree. */
export interface PaperFigure {quantity: string; where: string; paper: string; ours: string; agreement: string}

/**
 * The paper's numbers, recomputed. GPT-3's checkpoint uses the published 175B (the
 * paper's 350GB is 175·10⁹ × 2 bytes, SI units). The adapter's "35MB" is not
 * reproduced in any unit: 18,874,368 × 2 bytes = 37.7 MB = 36.0 MiB; it reads as a
 * round figure (350GB ÷ 10,000). The 1.2TB is a measurement, not a formula's output.
 */
export function paperFigures(): PaperFigure[] {
  const gpt3 = modelPreset("gpt3-175b"), qv: MatrixGroup[] = ["q", "v"];
  const count = (model: ModelShape, rank: number) => loraParameters(model, {matrices: qv, rank});
  const show = (n: number) => `${n.toLocaleString("en-US")} (${abbreviateCount(n)})`;
  const base = adapterFileBytes(gpt3.published.parameters).fp16, adapter = adapterFileBytes(count(gpt3, 4)).fp16;
  const tasks = taskStorage(base, adapter, 100), memory = trainingMemory(gpt3.published.parameters, count(gpt3, 4), "mixed");
  return [
    {quantity: "GPT-3, W_q and W_v, r = 1", where: "Table 4", paper: "4.7M", ours: show(count(gpt3, 1)), agreement: "rounds to the paper's figure"},
    {quantity: "GPT-3, W_q and W_v, r = 8", where: "Table 4", paper: "37.7M", ours: show(count(gpt3, 8)), agreement: "rounds to the paper's figure"},
    {quantity: "GPT-3 budget: W_q,W_v r = 4 (= one matrix r = 8 = all four r = 2)", where: "§7.1, Table 5", paper: "18M", ours: show(count(gpt3, 4)), agreement: "the paper rounds down (18.9M)"},
    {quantity: "RoBERTa-base, W_q and W_v, r = 8", where: "Table 2", paper: "0.3M", ours: show(count(modelPreset("roberta-base"), 8)), agreement: "rounds to the paper's figure"},
    {quantity: "RoBERTa-large, W_q and W_v, r = 8", where: "Table 2", paper: "0.8M", ours: show(count(modelPreset("roberta-large"), 8)), agreement: "rounds to the paper's figure"},
    {quantity: "GPT-3 checkpoint at fp16", where: "§4.2", paper: "350GB", ours: `${formatBytes(base)} (175B × 2 bytes; our own count, ${abbreviateCount(modelParameters(gpt3).total)}, gives ${formatBytes(adapterFileBytes(modelParameters(gpt3).total).fp16)})`, agreement: "exact with the published 175B"},
    {quantity: "GPT-3 adapter, W_q,W_v r = 4, fp16", where: "§4.2; §7.1 (\"18M (roughly 35MB if stored in FP16)\")", paper: "35MB", ours: `${adapter.toLocaleString("en-US")} bytes = ${formatBytes(adapter)} = ${formatBinaryBytes(adapter)}`, agreement: "not in any unit: a round figure (≈ 350GB ÷ 10,000)"},
    {quantity: "Checkpoint reduction", where: "§4.2", paper: "roughly 10,000×", ours: `${Math.round(base / adapter).toLocaleString("en-US")}×`, agreement: "order of magnitude"},
    {quantity: "100 task models: base + 100 adapters", where: "§4.2, footnote 4", paper: "≈ 354GB", ours: formatBytes(tasks.baseAndAdapters), agreement: "rounds to the paper's figure"},
    {quantity: "100 task models: 100 full copies", where: "§4.2, footnote 4", paper: "≈ 35TB", ours: formatBytes(tasks.fullCopies), agreement: "exact"},
    {quantity: "Training VRAM, LoRA (r = 4, W_q,W_v)", where: "§4.2 (measured)", paper: "350GB", ours: `${formatBytes(memory.lora.total)} of weights and adapter state (fp16 frozen weights, mixed precision)`, agreement: "reproduced under that assumption; activations come on top"},
    {quantity: "Training VRAM, full fine-tuning", where: "§4.2 (measured)", paper: "1.2TB", ours: `${formatBytes(memory.full.total)} of weights, gradients and Adam state at mixed precision (16 bytes a parameter)`, agreement: "not derived: the paper's measurement"},
    {quantity: "VRAM saved when r ≪ d_model", where: "§4.2", paper: "up to 2/3", ours: "2/3 counting weights + Adam's two moments (3 copies → 1); 3/4 with gradients too, at one precision", agreement: "follows from the paper's accounting"}
  ];
}

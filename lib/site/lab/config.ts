// The lab's tasks as plain data (nanoGPT style): every number carries its reason.
// Data loaders pretrain from `pretrain`, the page and its worker start from
// `defaults`, and the tests check both, so a change here reaches all of them.

import {type LoRAInit, type LoRAScaling, type VariantName, isVariantName, loraVariants} from "../../index.js";

/** How a run adapts the pretrained model: a LoRA variant, or one of the two baselines. */
export type Method = VariantName | "full" | "head";

/** Every method with its label, in the order controls show them: the engine's variants, then the baselines. */
export const methods: readonly {id: Method; label: string}[] = [
  ...loraVariants.map(({name, label}) => ({id: name, label})),
  {id: "full", label: "full fine-tuning"},
  {id: "head", label: "head only"}
];

/** True when `method` trains a LoRA variant (rank, α, targets… apply), false for the baselines. */
export function isLoRAMethod(method: string): boolean {
  return isVariantName(method);
}
/** The lab's tasks. */
export type TaskId = "digits" | "names" | "gpt";

/** Everything a run depends on, seed included: what the URL stores. */
export interface LabSetup {
  task: TaskId;
  method: Method;
  rank: number;
  alpha: number;
  scaling: LoRAScaling;
  /** Module names LoRA adapts (PEFT's target_modules). */
  targets: string[];
  dropout: number;
  init: LoRAInit;
  lr: number;
  steps: number;
  batchSize: number;
  seed: number;
}

/** A Linear layer LoRA may adapt, with its shape (W is out × in). */
export interface LayerInfo {
  name: string;
  in: number;
  out: number;
  role: string;
}

/** One task: its data, its base model, how it was pretrained and what a run starts from. */
export interface TaskConfig {
  id: TaskId;
  title: string;
  /** Adaptable Linear layers, input side first (module names or, for the GPT, name suffixes); the head, if listed, is last. */
  layers: LayerInfo[];
  /** The output layer: trained in full by LoRA runs when `newHead` (PEFT's modules_to_save), and the only layer "head only" trains. */
  head: string;
  /** The target task has new classes, so the head is re-initialised before fine-tuning. */
  newHead: boolean;
  /** Test-set evaluations every this many steps (and at step 0 and the last step). */
  evalEvery: number;
  /** Accuracy of guessing uniformly: the floor the charts draw. Absent where the build sets the classes (the GPT's vocabulary): the page takes 1 / vocabulary then. */
  chance?: number;
  defaults: LabSetup;
}

/** Digits: pretrain on 0–4, adapt to 5–9 with a new head. */
export const digits = {
  id: "digits",
  title: "Digits: pretrained on 0–4, adapted to 5–9",
  sourceClasses: [0, 1, 2, 3, 4],
  // New classes, not a distortion of the old ones: the hidden features of a 0–4
  // classifier are good strokes detectors but were never asked to tell 5 from 8,
  // so a new head alone (a linear probe) falls short, and the lesson is how much
  // of full fine-tuning's gain a few low-rank directions buy back.
  targetClasses: [5, 6, 7, 8, 9],
  // 196 → 128 → 64 → 5: big enough that full fine-tuning has ~34k parameters to
  // move, small enough that a step is well under a millisecond in the browser.
  sizes: [196, 128, 64, 5],
  // Low data: 100 labelled digits per new class (500 in all). Few labels is the
  // regime where fine-tuning choices matter (LoRA paper, Table 16) and it keeps
  // the page's download small; the test set is all ~1,000 held-out 5–9 digits.
  targetTrainPerClass: 100,
  pretrain: {
    // ~8 epochs of the ~4,000 training digits 0–4: test accuracy ≈ 99%; more steps buy nothing.
    steps: 2000,
    batchSize: 128,
    lr: 2e-3, // Adam; 1e-3 is slower, 1e-2 noisier
    seed: 2021 // the year of the paper; any seed gives a similar base
  },
  layers: [
    {name: "layers.0", in: 196, out: 128, role: "first hidden layer (pixels → 128)"},
    {name: "layers.2", in: 128, out: 64, role: "second hidden layer (128 → 64)"},
    {name: "layers.4", in: 64, out: 5, role: "head (64 → 5 classes)"}
  ],
  head: "layers.4",
  newHead: true,
  evalEvery: 20,
  chance: 1 / 5, // one of the 5 new classes, guessed
  defaults: {
    task: "digits",
    method: "lora",
    // r = 4 on both hidden layers: the paper's finding that adapting more matrices
    // at low rank beats one matrix at high rank (Table 5), at 14× fewer
    // trainable parameters than full fine-tuning.
    rank: 4,
    alpha: 8, // scaling α/r = 2: lets A·B move fast without touching the learning rate
    scaling: "alpha/r",
    targets: ["layers.0", "layers.2"],
    dropout: 0,
    init: "peft",
    lr: 3e-3, // Adam; the same for every method so the comparison is about what is trained
    steps: 300, // ~40 epochs of 500 digits; about a second in a browser
    batchSize: 64,
    seed: 1
  }
} as const satisfies TaskConfig & Record<string, unknown>;

/** Names: a character model pretrained on English words, adapted to first names. */
export const names = {
  id: "names",
  title: "Names: an English-words letter model adapted to first names",
  // Bengio 2003 / makemore: 3 letters of context, 10-d letter embeddings, 128 tanh units.
  sizes: {vocabulary: 27, context: 3, embedding: 10, hidden: 128},
  // A seeded 30,000-word sample of the 275k-word list: the model sees enough
  // English spelling to be a real "pretrained" model in a few seconds of build.
  pretrainWords: 30_000,
  pretrain: {steps: 4000, batchSize: 128, lr: 3e-3, seed: 2021},
  layers: [
    {name: "hidden", in: 30, out: 128, role: "hidden layer (3 letters × 10 → 128)"},
    {name: "out", in: 128, out: 27, role: "output layer (128 → 27 letters)"}
  ],
  head: "out",
  newHead: false,
  evalEvery: 25,
  chance: 1 / 27, // one of 27 symbols (a–z and the end of a name), guessed
  defaults: {
    task: "names",
    method: "lora",
    rank: 4,
    alpha: 8,
    scaling: "alpha/r",
    targets: ["hidden", "out"],
    dropout: 0,
    init: "peft",
    lr: 3e-3,
    steps: 400,
    batchSize: 64,
    seed: 1
  }
} as const satisfies TaskConfig & Record<string, unknown>;

/** GPT: the site's small GPT (pretrained on the Brown corpus's press genres) adapted to the "Where to put LoRA" page's task. */
export const gpt = {
  id: "gpt",
  title: "GPT: press text → romance with part-of-speech tags",
  // The Where page's base and text (data/where/…): the lab downloads the same files and
  // pretrains nothing. Each target is a module-name suffix, so it adapts that matrix in both
  // blocks (PEFT's target_modules); the shapes are the GPT's (width 64, MLP 256) from
  // src/data/gpt-config.ts, checked against the built model in test/lib/lab-gpt.test.ts.
  layers: [
    {name: "q_proj", in: 64, out: 64, role: "attention query W_q (both blocks)"},
    {name: "k_proj", in: 64, out: 64, role: "attention key W_k (both blocks)"},
    {name: "v_proj", in: 64, out: 64, role: "attention value W_v (both blocks)"},
    {name: "o_proj", in: 64, out: 64, role: "attention output W_o (both blocks)"},
    {name: "up_proj", in: 64, out: 256, role: "MLP up projection (both blocks)"},
    {name: "down_proj", in: 256, out: 64, role: "MLP down projection (both blocks)"}
  ],
  // "Head only" trains the next-character head; LoRA leaves it frozen, as the Where page does.
  head: "lm_head",
  newHead: false,
  // Each evaluation reads the Where page's 96 held-out windows (1,536 characters): every 16 steps costs about two steps.
  evalEvery: 16,
  defaults: {
    task: "gpt",
    method: "lora",
    // W_q and W_v, the paper's choice (Table 5); r = 4 and α = 16 (scaling 4) at the Where page's learning rate.
    rank: 4,
    alpha: 16,
    scaling: "alpha/r",
    targets: ["q_proj", "v_proj"],
    dropout: 0,
    init: "peft",
    lr: 1e-2,
    // Twice the Where page's 64 steps of 8 windows × 16 characters: the curve flattens by then; a few seconds in a browser.
    steps: 128,
    batchSize: 8,
    seed: 1
  }
} as const satisfies TaskConfig & Record<string, unknown>;

/** Every task by id. */
export const tasks: Record<TaskId, TaskConfig> = {digits, names, gpt} as unknown as Record<TaskId, TaskConfig>;

/** Limits the controls and the URL parser enforce (beyond these a run is slow or meaningless). */
export const limits = {
  steps: [1, 5000],
  batchSize: [1, 1024],
  lr: [1e-6, 10],
  alpha: [1e-3, 1024],
  dropout: [0, 0.9],
  seed: [0, 2 ** 31 - 1]
} as const;

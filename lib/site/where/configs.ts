// The page's experiments as plain data: which matrices each row of Table 5 and
// Table 6 adapts, the learning-rate grid, and the run defaults, each with its reason.
// Loaders, the worker and the page all read these; the URL stores overrides.

/** One set of target matrices: a label as the paper writes it and PEFT-style module-name suffixes. */
export interface TargetSet {
  id: string;
  label: string;
  targets: readonly string[];
}

const attention = ["q_proj", "k_proj", "v_proj", "o_proj"] as const;
const mlp = ["up_proj", "down_proj"] as const;

/** Table 5's seven rows, then the two the paper did not try (MLP only; every linear layer). */
export const TARGET_SETS: readonly TargetSet[] = [
  {id: "q", label: "W_q", targets: ["q_proj"]},
  {id: "k", label: "W_k", targets: ["k_proj"]},
  {id: "v", label: "W_v", targets: ["v_proj"]},
  {id: "o", label: "W_o", targets: ["o_proj"]},
  {id: "qk", label: "W_q, W_k", targets: ["q_proj", "k_proj"]},
  {id: "qv", label: "W_q, W_v", targets: ["q_proj", "v_proj"]},
  {id: "qkvo", label: "W_q, W_k, W_v, W_o", targets: attention},
  {id: "mlp", label: "MLP (up, down)", targets: mlp},
  {id: "all", label: "all linear layers", targets: [...attention, ...mlp]}
];

/** The target set with this id; an unknown id is an error naming the known ones. */
export function targetSet(id: string): TargetSet {
  const found = TARGET_SETS.find((s) => s.id === id);
  if (!found) throw new RangeError(`unknown target set "${id}"; known: ${TARGET_SETS.map((s) => s.id).join(", ")}`);
  return found;
}

/** Defaults of every run on the page, with their reasons. */
export const whereDefaults = {
  /** The new task: Brown genre p (romance) with each word's part-of-speech tag written after it ("the:at
   * jury:nn"). The press-trained GPT never saw a tag; writing one needs the word a few characters back,
   * so attention has real work to do, and the gains are large next to seed noise. */
  genre: "p",
  /** The last tenth of that text is held out for the final loss. */
  heldOutFraction: 0.1,
  /** Trainable parameters for Table 5: 20 ranks of one 64×64 matrix type in both blocks (2·20·128). It divides
   * exactly for one type (r = 20), two (10), all four (5) and the MLP (4); all linear layers get r = 2 (4,608). */
  budget: 5120,
  /** α fixed while r changes (scaling α/r), as the paper did; LoRA Without Regret's rank-independence claim is for this. */
  alpha: 16,
  /** Adam's rate for LoRA and for full fine-tuning (the learning-rate sweep finds each method's best). */
  lr: 1e-2,
  fullLr: 1e-3,
  /** Steps × batch × context: 64 × 8 × 16 = 8,192 predicted characters per run, the fewest at which the rows
   * are already in their final order (Table 5's 27 runs: 1,728 steps in one worker on a 2-core machine). */
  steps: 64,
  batch: 8,
  context: 16,
  /** Seeds 1..3: ≥ 3 runs per configuration to show the spread. */
  seeds: [1, 2, 3],
  /** Held-out windows the final loss is measured on (× context characters). */
  evalWindows: 96,
  /** Table 6's ranks: 1, 2, 4, 8 and the largest a 64×64 matrix allows. */
  ranks: [1, 2, 4, 8, 64],
  table6Sets: ["q", "qv", "qkvo"],
  /** Learning-rate grid (log, half decades) for full fine-tuning and LoRA on all linear layers at two ranks. */
  lrGrid: [3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1],
  lrRanks: [2, 16],
  lrSeeds: [1]
} as const;

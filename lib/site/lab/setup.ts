// A lab setup as the reader edits it, the URL stores it and a run checks it: the
// query string round-trips every field (seed included), so a shared link repeats
// the same run; validation names the field and says why, for a message beside it.
import {loraInits, loraScalings} from "../../index.js";
import {type LabSetup, type TaskId, isLoRAMethod, limits, methods, tasks} from "./config.js";

const methodIds = methods.map((m) => m.id);

/** Field → message, only for fields that are wrong. */
export type SetupErrors = Partial<Record<keyof LabSetup, string>>;

/** The query keys, short where the paper has a symbol. */
const keys: Record<keyof LabSetup, string> = {
  task: "task", method: "method", rank: "r", alpha: "alpha", scaling: "scaling", targets: "targets",
  dropout: "dropout", init: "init", lr: "lr", steps: "steps", batchSize: "batch", seed: "seed"
};

/** The setup as a query string ("task=digits&method=lora&r=4&…"), every field written. */
export function setupToQuery(setup: LabSetup): string {
  const params = new URLSearchParams();
  for (const [field, key] of Object.entries(keys) as [keyof LabSetup, string][]) {
    const value = setup[field];
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return params.toString();
}

/**
 * Reads a query string; missing or unknown choices fall back to the task's
 * defaults, while numbers are kept as written (even "abc" → NaN or −1) so that
 * `validateSetup` can say what is wrong with them rather than hide it.
 */
export function setupFromQuery(query: string): LabSetup {
  const params = new URLSearchParams(query);
  const taskId = params.get("task");
  const task = tasks[(taskId && taskId in tasks ? taskId : "digits") as TaskId];
  const base = task.defaults;
  const choice = <T extends string>(key: string, options: readonly T[], fallback: T): T => {
    const value = params.get(key);
    return value !== null && (options as readonly string[]).includes(value) ? (value as T) : fallback;
  };
  const number = (key: string, fallback: number): number => {
    const value = params.get(key);
    return value === null || value.trim() === "" ? fallback : Number(value);
  };
  const targets = params.get(keys.targets);
  return {
    task: task.id,
    method: choice(keys.method, methodIds, base.method),
    rank: number(keys.rank, base.rank),
    alpha: number(keys.alpha, base.alpha),
    scaling: choice(keys.scaling, loraScalings, base.scaling),
    targets: targets === null ? [...base.targets] : targets.split(",").filter((t) => t !== ""),
    dropout: number(keys.dropout, base.dropout),
    init: choice(keys.init, loraInits, base.init),
    lr: number(keys.lr, base.lr),
    steps: number(keys.steps, base.steps),
    batchSize: number(keys.batchSize, base.batchSize),
    seed: number(keys.seed, base.seed)
  };
}

function inRange(value: number, [low, high]: readonly [number, number]): boolean {
  return Number.isFinite(value) && value >= low && value <= high;
}

/** Checks every field against the task; an empty object means the setup can run. */
export function validateSetup(setup: LabSetup): SetupErrors {
  const errors: SetupErrors = {};
  const task = tasks[setup.task];
  if (!task) return {task: `unknown task "${setup.task}" (choose ${Object.keys(tasks).join(" or ")})`};
  if (!methodIds.includes(setup.method)) errors.method = `method must be one of ${methodIds.join(", ")}`;

  if (isLoRAMethod(setup.method)) {
    const adaptable = task.layers.filter((l) => !(task.newHead && l.name === task.head));
    const unknown = setup.targets.filter((t) => !adaptable.some((l) => l.name === t));
    const chosen = adaptable.filter((l) => setup.targets.includes(l.name));
    if (setup.targets.length === 0) errors.targets = "choose at least one layer for LoRA to adapt";
    else if (unknown.length) errors.targets = `${unknown.join(", ")} cannot be adapted here (choose from ${adaptable.map((l) => l.name).join(", ")})`;
    const maxRank = Math.min(...chosen.map((l) => Math.min(l.in, l.out)));
    if (!Number.isInteger(setup.rank) || setup.rank < 1) {
      errors.rank = `rank must be a whole number ≥ 1, got ${setup.rank}`;
    } else if (chosen.length && setup.rank > maxRank) {
      const limiting = chosen.find((l) => Math.min(l.in, l.out) === maxRank)!;
      errors.rank = `rank ${setup.rank} is more than ${limiting.name} (${limiting.out}×${limiting.in}) can hold: r ≤ min(${limiting.out}, ${limiting.in}) = ${maxRank}`;
    }
    if (!inRange(setup.alpha, limits.alpha)) errors.alpha = `α must be a number in [${limits.alpha[0]}, ${limits.alpha[1]}], got ${setup.alpha}`;
    if (!inRange(setup.dropout, limits.dropout)) errors.dropout = `dropout must be in [${limits.dropout[0]}, ${limits.dropout[1]}], got ${setup.dropout}`;
  }

  if (!Number.isFinite(setup.lr) || setup.lr <= 0) errors.lr = `the learning rate must be a number > 0, got ${setup.lr}`;
  else if (setup.lr < limits.lr[0]) errors.lr = `a learning rate of ${setup.lr} would barely move the weights (minimum ${limits.lr[0]})`;
  else if (setup.lr > limits.lr[1]) errors.lr = `a learning rate of ${setup.lr} is far too large (maximum ${limits.lr[1]}; try 1e-3 to 1e-2)`;
  if (!Number.isInteger(setup.steps) || !inRange(setup.steps, limits.steps)) errors.steps = `steps must be a whole number in [${limits.steps[0]}, ${limits.steps[1]}], got ${setup.steps}`;
  if (!Number.isInteger(setup.batchSize) || !inRange(setup.batchSize, limits.batchSize)) errors.batchSize = `batch size must be a whole number in [${limits.batchSize[0]}, ${limits.batchSize[1]}], got ${setup.batchSize}`;
  if (!Number.isInteger(setup.seed) || !inRange(setup.seed, limits.seed)) errors.seed = `seed must be a whole number in [0, ${limits.seed[1]}], got ${setup.seed}`;
  return errors;
}

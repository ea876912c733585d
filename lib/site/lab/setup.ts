// A lab setup as the reader edits it, the URL stores it and a run checks it: the
// query string round-trips every field (seed included), so a shared link repeats
// the same run; validation names the field and says why, for a message beside it.
import {loraInits, loraScalings} from "../../index.js";
import {type LabSetup, type TaskId, isLoRAMethod, limits, methods, tasks} from "./config.js";

const methodIds = methods.map((m) => m.id);
// Every value read from a URL is checked against an explicit list (own keys only),
// never looked up with `in` or `tasks[value]`: "toString", "__proto__" and
// "constructor" are inherited keys of every object and once broke the whole page.
const taskIds = Object.keys(tasks) as TaskId[];

/** Field → message, only for fields that are wrong. */
export type SetupErrors = Partial<Record<keyof LabSetup, string>>;

/** The query keys, short where the paper has a symbol. */
const keys: Record<keyof LabSetup, string> = {
  task: "task", method: "method", rank: "r", alpha: "alpha", scaling: "scaling", targets: "targets",
  dropout: "dropout", init: "init", lr: "lr", steps: "steps", batchSize: "batch", seed: "seed"
};

/** True for the ids of the lab's tasks only (own keys, not "toString" or "__proto__"). */
export function isTaskId(value: unknown): value is TaskId {
  return (taskIds as readonly unknown[]).includes(value);
}

/** A value as a message shows it: quoted, and cut to `max` characters so a long URL value cannot widen the page. */
export function quoteValue(value: string, max = 40): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

// A plain decimal number ("4", "-0.5", "3e-3", ".5"): Number() alone would also take
// "0x10", "0b1", "Infinity" and "" (as 0).
const decimal = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** The setup as a query string ("task=digits&method=lora&r=4&…"); a field that is not a finite number is left out, so the URL never says NaN. */
export function setupToQuery(setup: LabSetup): string {
  const params = new URLSearchParams();
  for (const [field, key] of Object.entries(keys) as [keyof LabSetup, string][]) {
    const value = setup[field];
    if (typeof value === "number" && !Number.isFinite(value)) continue;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return params.toString();
}

/** A setup read from a URL, and one message for every value that could not be used as written. */
export interface QuerySetup {
  setup: LabSetup;
  messages: string[];
}

/**
 * Reads a query string. Missing fields take the task's defaults silently; a choice
 * not in its list, or a number that is not a plain decimal ("abc", "0x10"), takes
 * the default too and adds a message. Numbers that parse are kept as written, even
 * out of range (r=500), so that `validateSetup` names the problem beside the field.
 */
export function setupFromQuery(query: string): QuerySetup {
  const params = new URLSearchParams(query);
  const messages: string[] = [];
  const taskId = params.get(keys.task);
  if (taskId !== null && !isTaskId(taskId)) messages.push(`task ${quoteValue(taskId)} is not one of ${taskIds.join(", ")}: showing digits`);
  const task = tasks[isTaskId(taskId) ? taskId : "digits"];
  const base = task.defaults;
  const choice = <T extends string>(key: string, options: readonly T[], fallback: T): T => {
    const value = params.get(key);
    if (value === null) return fallback;
    if ((options as readonly string[]).includes(value)) return value as T;
    messages.push(`${key} ${quoteValue(value)} is not one of ${options.join(", ")}: using ${fallback}`);
    return fallback;
  };
  const number = (key: string, fallback: number): number => {
    const value = params.get(key);
    if (value === null) return fallback;
    if (decimal.test(value.trim()) && Number.isFinite(Number(value))) return Number(value); // "1e999" is decimal but Infinity
    messages.push(`${key} ${quoteValue(value)} is not a number: using ${fallback}`);
    return fallback;
  };
  const targets = params.get(keys.targets);
  const setup: LabSetup = {
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
  return {setup, messages};
}

function inRange(value: number, [low, high]: readonly [number, number]): boolean {
  return Number.isFinite(value) && value >= low && value <= high;
}

/** Checks every field against the task; an empty object means the setup can run. */
export function validateSetup(setup: LabSetup): SetupErrors {
  const errors: SetupErrors = {};
  if (!isTaskId(setup.task)) return {task: `unknown task ${quoteValue(String(setup.task))} (choose one of ${taskIds.join(", ")})`};
  const task = tasks[setup.task];
  if (!methodIds.includes(setup.method)) errors.method = `method must be one of ${methodIds.join(", ")}`;

  if (isLoRAMethod(setup.method)) {
    const adaptable = task.layers.filter((l) => !(task.newHead && l.name === task.head));
    const unknown = setup.targets.filter((t) => !adaptable.some((l) => l.name === t));
    const chosen = adaptable.filter((l) => setup.targets.includes(l.name));
    if (setup.targets.length === 0) errors.targets = "choose at least one layer for LoRA to adapt";
    else if (unknown.length) {
      const named = unknown.slice(0, 3).map((t) => quoteValue(t)).join(", ") + (unknown.length > 3 ? ` and ${unknown.length - 3} more` : "");
      errors.targets = `${named} cannot be adapted here (choose from ${adaptable.map((l) => l.name).join(", ")})`;
    }
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

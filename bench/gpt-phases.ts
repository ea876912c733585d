// Where one GPT training step spends its time, at the GPT page's default size
// (bench/gpt-step.ts's model and batch): each module's forward and backward are
// wrapped with a timer that charges a module only its own time (children's time is
// subtracted), and the matmul kernels with one that says which module called them.
// So "CausalSelfAttention" is the attention core alone (per-head products, causal
// softmax, head copies), without its four projections, which count as Linear.
//   npx tsx bench/gpt-phases.ts            (wasm engine; --typescript for the reference)
import {performance} from "node:perf_hooks";
import {type MatmulKernels, type Matrix, type Module, Adam, kernels, languageModelLoss, setKernels, useFastKernels} from "../lib/index.js";
import {type Mode, gptBatch, gptModel} from "./gpt-step.js";

const WARMUP = 10, STEPS = 40;

/** Mean ms per step of each phase of a GPT training step, for LoRA on q,v and full fine-tuning. */
export function gptPhases(mode: Mode): {phase: string; milliseconds: number}[] {
  const model = gptModel(mode), data = gptBatch();
  const optimizer = new Adam(model.trainableParameters(), {lr: 1e-3});
  const totals = new Map<string, number>();
  const charge = (phase: string, ms: number) => totals.set(phase, (totals.get(phase) ?? 0) + ms);
  // A stack of open timers: each entry's children time, to subtract from its own.
  const stack: {phase: string; children: number}[] = [];
  const timed = <T>(phase: string, run: () => T): T => {
    stack.push({phase, children: 0});
    const start = performance.now();
    const result = run();
    const elapsed = performance.now() - start;
    const frame = stack.pop()!;
    charge(frame.phase, elapsed - frame.children);
    if (stack.length) stack[stack.length - 1].children += elapsed;
    return result;
  };
  for (const [, module] of model.namedModules()) wrapModule(module, timed);
  const inner = kernels();
  const product = (name: keyof Omit<MatmulKernels, "name">) => (a: Matrix, b: Matrix, out?: Matrix, accumulate?: boolean) =>
    timed(`${stack.at(-1)?.phase ?? "?"} matmul`, () => inner[name](a, b, out, accumulate));
  setKernels({name: inner.name, matmul: product("matmul"), matmulTransB: product("matmulTransB"), matmulTransA: product("matmulTransA")});
  const perStep: Map<string, number>[] = [];
  try {
    for (let step = 0; step < WARMUP + STEPS; step++) {
      totals.clear();
      const start = performance.now();
      timed("zeroGrad", () => optimizer.zeroGrad());
      const logits = model.forward(data.ids, {training: true});
      const {grad} = timed("loss", () => languageModelLoss(logits, data.targets));
      model.backward(grad, {inputGrad: false});
      timed("optimizer", () => optimizer.step());
      const elapsed = performance.now() - start;
      // What no timer saw: garbage collection between timers, the timers themselves.
      totals.set("unaccounted", elapsed - [...totals.values()].reduce((a, b) => a + b, 0));
      totals.set("step", elapsed);
      if (step >= WARMUP) perStep.push(new Map(totals));
    }
  } finally {
    setKernels(inner);
  }
  const phases = [...perStep[0].keys()];
  // Means, not medians: the phases' means add up to the step's, and a garbage collection
  // that lands in a phase is that phase's allocations' cost.
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return phases.map((phase) => ({phase, milliseconds: mean(perStep.map((t) => t.get(phase) ?? 0))}))
    .sort((a, b) => b.milliseconds - a.milliseconds);
}

// Replaces a module's forward and backward (on the instance) with timed calls charged to "Kind forward/backward".
function wrapModule(module: Module, timed: <T>(phase: string, run: () => T) => T): void {
  const forward = module.forward.bind(module), backward = module.backward.bind(module);
  module.forward = (x, context) => timed(`${module.kind} forward`, () => forward(x, context));
  module.backward = (dy, options) => timed(`${module.kind} backward`, () => backward(dy, options));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!process.argv.includes("--typescript")) useFastKernels();
  console.log(`kernels: ${kernels().name}`);
  for (const mode of ["lora", "full"] as const) {
    const rows = gptPhases(mode);
    const step = rows.find((r) => r.phase === "step")!.milliseconds;
    console.log(`\n${mode}: mean ms per step`);
    console.table(rows.map(({phase, milliseconds}) => ({phase, ms: +milliseconds.toFixed(3), share: phase === "step" ? "" : `${Math.round((100 * milliseconds) / step)}%`})));
  }
}

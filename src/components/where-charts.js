// Charts and paper values for the "Where to put LoRA" page. One exported function per chart.
import * as Plot from "./plot.js";

/** The paper's Table 5 (GPT-3 175B, 18M trainable parameters; WikiSQL and MNLI accuracy, %), from lora-facts.md. */
export const paperTable5 = {
  q: {rank: 8, wikisql: 70.4, mnli: 91.0}, k: {rank: 8, wikisql: 70.0, mnli: 90.8}, v: {rank: 8, wikisql: 73.0, mnli: 91.0},
  o: {rank: 8, wikisql: 73.2, mnli: 91.3}, qk: {rank: 4, wikisql: 71.4, mnli: 91.3}, qv: {rank: 4, wikisql: 73.7, mnli: 91.3},
  qkvo: {rank: 2, wikisql: 73.7, mnli: 91.7}
};

/** The paper's Table 6 row for {W_q, W_v} (WikiSQL accuracy, %) by rank, from lora-facts.md. */
export const paperTable6qv = {1: 73.4, 2: 73.3, 4: 73.7, 8: 73.8, 64: 73.5};

/** Held-out loss of every seed (dots) and each row's mean (tick), rows in the given order; lower is better. */
export function SeedDots(runs, {width, rows, label = (r) => r, baseLoss, caption} = {}) {
  return Plot.plot({
    width, caption, marginLeft: 150, height: 40 + 24 * rows.length,
    x: {label: "held-out loss after fine-tuning (nats per character) →", grid: true},
    y: {domain: rows, tickFormat: label, label: null},
    marks: [
      baseLoss === undefined ? null : Plot.ruleX([baseLoss], {stroke: "var(--theme-foreground-muted)", strokeDasharray: "4,3"}),
      Plot.dot(runs, {x: "loss", y: "row", stroke: "var(--theme-foreground-focus)", r: 3.5, tip: true, title: (d) => `seed ${d.seed}: ${d.loss.toFixed(4)}`}),
      Plot.tickX(runs, Plot.groupY({x: "mean"}, {x: "loss", y: "row", strokeWidth: 2}))
    ]
  });
}

/** Mean held-out loss against rank, one line per target set, seeds as dots. */
export function RankLines(runs, {width, label = (r) => r, caption} = {}) {
  return Plot.plot({
    width, caption, height: 300,
    x: {type: "log", base: 2, label: "rank r →", ticks: [1, 2, 4, 8, 16, 32, 64], tickFormat: "d"},
    y: {label: "↓ held-out loss (nats per character)", grid: true},
    color: {legend: true, tickFormat: label},
    marks: [
      Plot.dot(runs, {x: "x", y: "loss", stroke: "row", r: 2.5, opacity: 0.6}),
      Plot.line(runs, Plot.groupX({y: "mean"}, {x: "x", y: "loss", stroke: "row", marker: "circle"}))
    ]
  });
}

/** Held-out loss against learning rate (log), one line per method; a missing point is a run that diverged. */
export function LearningRateLines(runs, {width, label = (r) => r, caption, yDomain} = {}) {
  return Plot.plot({
    width, caption, height: 300,
    x: {type: "log", label: "learning rate (Adam) →"},
    y: {label: "↓ held-out loss (nats per character)", grid: true, domain: yDomain, clamp: true},
    color: {legend: true, tickFormat: label},
    marks: [Plot.line(runs, Plot.groupX({y: "mean"}, {x: "x", y: "loss", stroke: "row", marker: "circle", tip: true}))]
  });
}

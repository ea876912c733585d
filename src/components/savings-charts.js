// Charts for the "Parameter savings" page. Each takes rows computed by lib/site/savings/savings.ts
// and returns a Plot figure with axis labels in units, a caption saying what to
// notice, and an aria-label/description as its text alternative.
import * as Plot from "./plot.js";

// Tableau 10 plus grey: one fixed colour per model (ten presets and a custom model), the same in both charts.
const palette = ["#4e79a7", "#f28e2c", "#e15759", "#76b7b2", "#59a14f", "#edc949", "#af7aa1", "#ff9da7", "#9c755f", "#bab0ab", "#555555"];
const count = (n) => n.toLocaleString("en-US");
// Axis ticks in the paper's vocabulary (K, M, B), not SI's "G".
const short = (n) => (n >= 1e9 ? `${n / 1e9}B` : n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}K` : String(n));

/** Trainable parameters against rank, one line per model (log–log); rows: {model, rank, trainable}. */
export function RankChart(rows, {width, current, caption, models} = {}) {
  return Plot.plot({
    width,
    height: 360,
    marginRight: 190,
    caption,
    ariaLabel: "Line chart: LoRA trainable parameters against rank r for each model preset, both axes logarithmic",
    ariaDescription: rows.length ? `At the largest rank shown, ${lastPerModel(rows).map((d) => `${d.model} has ${count(d.trainable)} trainable parameters at r = ${d.rank}`).join("; ")}.` : "No data.",
    x: {type: "log", base: 2, label: "rank r →", tickFormat: (d) => String(d)},
    y: {type: "log", label: "↑ trainable parameters (count)", grid: true, tickFormat: short, ticks: 6},
    color: {domain: models, range: palette},
    marks: [
      Plot.line(rows, {x: "rank", y: "trainable", stroke: "model", strokeOpacity: (d) => (d.model === current?.model ? 1 : 0.45), strokeWidth: (d) => (d.model === current?.model ? 2.5 : 1.25)}),
      Plot.text(endLabels(rows), {x: "rank", y: "trainable", text: "label", fill: "model", textAnchor: "start", dx: 5, fontSize: 11}),
      current ? Plot.dot([current], {x: "rank", y: "trainable", r: 5, fill: "currentColor", tip: true, title: (d) => `${d.model}, r = ${d.rank}: ${count(d.trainable)}`}) : null
    ]
  });
}

/** Total parameters per trainable parameter against d_model; rows: {model, dModel, factor}, line: {dModel, factor}. */
export function WidthChart(rows, line, {width, rank, caption, models} = {}) {
  return Plot.plot({
    width,
    height: 340,
    marginRight: 30,
    marginBottom: 40,
    caption,
    ariaLabel: `Scatter chart: how many model parameters there are per LoRA parameter, against model width d_model, at r = ${rank}, logarithmic axes`,
    ariaDescription: rows.map((d) => `${d.model} (d_model ${count(d.dModel)}): ${count(Math.round(d.factor))}×`).join("; ") + ".",
    x: {type: "log", label: "model width: hidden size (numbers per token vector) →", tickFormat: (d) => count(d), ticks: 6},
    y: {type: "log", label: "↑ model parameters per trainable parameter (×)", grid: true, tickFormat: short, ticks: 6},
    color: {domain: models, range: palette, legend: true},
    marks: [
      Plot.line(line, {x: "dModel", y: "factor", stroke: "var(--theme-foreground-faint)", strokeDasharray: "4,3"}),
      Plot.dot(rows, {x: "dModel", y: "factor", fill: "model", r: 4.5, tip: true, title: (d) => `${d.model}: ${count(Math.round(d.factor))}×`})
    ]
  });
}

/** Stacked bars of training state in GB, full fine-tuning vs LoRA; rows: {method, part, gigabytes}. */
export function MemoryChart(rows, {width, caption} = {}) {
  const parts = ["weights", "fp32 master weights", "gradients", "Adam moments (m, v)"];
  const total = (method) => rows.filter((d) => d.method === method).reduce((s, d) => s + d.gigabytes, 0);
  return Plot.plot({
    width,
    height: 170,
    marginLeft: 120,
    caption,
    ariaLabel: "Stacked bar chart: training memory for weights, gradients and Adam state, full fine-tuning against LoRA, in gigabytes",
    ariaDescription: ["Full fine-tuning", "LoRA"].map((m) => `${m}: ${total(m).toLocaleString("en-US", {maximumFractionDigits: 1})} GB`).join("; ") + ". Activations are not included and are not reduced by LoRA.",
    x: {label: "training memory without activations (GB, 10⁹ bytes) →", grid: true},
    y: {label: null, domain: ["Full fine-tuning", "LoRA"]},
    color: {legend: true, domain: parts, scheme: "tableau10"},
    marks: [
      Plot.barX(rows, {x: "gigabytes", y: "method", fill: "part", order: parts, tip: true, title: (d) => `${d.method}, ${d.part}: ${d.gigabytes.toLocaleString("en-US", {maximumFractionDigits: 2})} GB`}),
      Plot.ruleX([0])
    ]
  });
}

// One label per line end; models whose lines coincide (RoBERTa-base and GPT-2 small
// share 12 layers of width 768) share a label instead of printing over each other.
function endLabels(rows) {
  const groups = new Map();
  for (const d of lastPerModel(rows)) {
    const key = `${d.rank}:${d.trainable}`;
    groups.set(key, groups.has(key) ? {...groups.get(key), label: `${groups.get(key).label}, ${d.model}`} : {...d, label: d.model});
  }
  return [...groups.values()];
}

function lastPerModel(rows) {
  const last = new Map();
  for (const d of rows) last.set(d.model, d);
  return [...last.values()];
}

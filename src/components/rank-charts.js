// Charts and the Table 7 comparison for the "Intrinsic rank" page. Each takes the
// results of lib/site/rank/rank.ts and returns a Plot figure with axis labels
// in units, a caption saying what to notice and an aria-label/description.
import * as Plot from "./plot.js";
import {html} from "htl";

const fixed = (x, digits = 2) => x.toFixed(digits);
const sci = (x) => (x === 0 ? "0" : Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? x.toPrecision(3) : x.toExponential(1));
// Log-axis ticks as plain numbers (0.02, 1e-4), not SI prefixes ("20m" reads as metres).
const logTick = (x) => (x >= 0.01 ? String(+x.toPrecision(2)) : x.toExponential(0));

/** Singular values of the learned ΔW on a log axis; the planted σ as rings. */
export function SpectrumChart({spectrum, planted}, {width, caption} = {}) {
  // A log axis cannot show an exact zero; 1e−12·σ₁ stands in for it.
  const floor = spectrum[0] * 1e-12 || 1e-12;
  const rows = spectrum.map((value, i) => ({index: i + 1, value: Math.max(value, floor), kind: i < planted.length ? "planted directions (i ≤ k)" : "the rest (i > k)"}));
  const rings = planted.map((value, i) => ({index: i + 1, value}));
  const tail = spectrum.slice(planted.length);
  return Plot.plot({
    width,
    height: 300,
    caption,
    ariaLabel: `Dot chart: the ${spectrum.length} singular values of the ΔW a full fine-tune learned, largest first, on a logarithmic axis`,
    ariaDescription: `The top ${planted.length}: ${spectrum.slice(0, planted.length).map((s) => fixed(s)).join(", ")} (planted: ${planted.map((s) => fixed(s)).join(", ")}).` +
      (tail.length ? ` The other ${tail.length} lie between ${sci(Math.min(...tail))} and ${sci(Math.max(...tail))}.` : ""),
    marginRight: 20,
    x: {label: "index i, largest singular value first →", labelAnchor: "center", domain: [0.5, spectrum.length + 0.5], ticks: Math.min(spectrum.length, 16), tickFormat: "d"},
    y: {type: "log", label: "↑ singular value σᵢ of ΔW (weight units)", grid: true, tickFormat: logTick},
    color: {domain: ["planted directions (i ≤ k)", "the rest (i > k)"], range: ["var(--theme-foreground-focus)", "var(--theme-foreground-muted)"], legend: true},
    marks: [
      Plot.ruleX([planted.length + 0.5], {stroke: "var(--theme-foreground-faint)", strokeDasharray: "4,3"}),
      Plot.text([planted.length + 0.5], {x: (d) => d, frameAnchor: "top", text: () => `k = ${planted.length}`, dx: 4, textAnchor: "start"}),
      Plot.dot(rings, {x: "index", y: "value", r: 7, stroke: "currentColor", strokeOpacity: 0.6, title: (d) => `planted σ${d.index} = ${fixed(d.value)}`}),
      Plot.dot(rows, {x: "index", y: "value", fill: "kind", r: 3.5, tip: true, title: (d) => `σ${d.index} = ${sci(d.value)}`})
    ]
  });
}

/** Final loss against LoRA rank r, held-out (solid) and training (dashed), log y; the elbow marked. */
export function SweepChart({sweep, elbow, baseLoss}, noise, {width, caption} = {}) {
  const rows = sweep.flatMap((d) => [
    {rank: d.rank, loss: d.heldOutLoss, set: "held-out examples"},
    {rank: d.rank, loss: d.trainLoss, set: "training examples"}
  ]);
  const floor = noise * noise;
  return Plot.plot({
    width,
    height: 320,
    caption,
    ariaLabel: "Line chart: mean squared error after training a LoRA adapter at each rank r, on held-out and on training examples, logarithmic loss axis",
    ariaDescription: `Held-out loss by rank: ${sweep.map((d) => `r = ${d.rank}: ${sci(d.heldOutLoss)}`).join("; ")}. Without adaptation (r = 0) it is ${sci(baseLoss)}. The elbow is at r = ${elbow}.`,
    marginRight: 20,
    x: {label: "LoRA rank r →", labelAnchor: "center", domain: [0.5, sweep.length + 0.5], ticks: sweep.length, tickFormat: "d"},
    y: {type: "log", label: "↑ final loss (mean squared error per output, squared units)", grid: true, tickFormat: logTick},
    color: {domain: ["held-out examples", "training examples"], range: ["var(--theme-foreground-focus)", "var(--theme-foreground-muted)"], legend: true},
    marks: [
      floor > 0 ? Plot.ruleY([floor], {stroke: "var(--theme-foreground-faint)", strokeDasharray: "2,3"}) : null,
      Plot.ruleX([elbow], {stroke: "var(--theme-foreground-faint)", strokeDasharray: "4,3"}),
      Plot.text([elbow], {x: (d) => d, frameAnchor: "top", text: () => `elbow: r = ${elbow}`, dx: 4, textAnchor: "start"}),
      Plot.line(rows, {x: "rank", y: "loss", stroke: "set", strokeDasharray: (d) => (d.set === "training examples" ? "4,3" : null)}),
      Plot.dot(rows, {x: "rank", y: "loss", fill: "set", r: 3, tip: true, title: (d) => `r = ${d.rank}, ${d.set}: ${sci(d.loss)}`})
    ]
  });
}

/** Heatmap of φ(A₁, A₂, i, j) (eq. 4), grid[i − 1][j − 1], on the fixed color scale [0, 1]. */
export function PhiHeatmap(grid, {width, height, caption, ariaLabel, ariaDescription, xLabel, yLabel, legend = true} = {}) {
  const rows = grid.length, cols = grid[0].length;
  const cells = grid.flatMap((row, i) => row.map((phi, j) => ({i: i + 1, j: j + 1, phi})));
  const ticks = (n) => [1, ...[8, 16, 24, 32, 40, 48, 56, 64].filter((t) => t <= n && t > 1)];
  return Plot.plot({
    width,
    height: height ?? Math.max(140, Math.min(width, 480) * (rows / cols) + 70),
    marginLeft: 44,
    caption,
    ariaLabel,
    ariaDescription,
    padding: 0,
    x: {type: "band", domain: cells.slice(0, cols).map((d) => d.j), ticks: ticks(cols), label: xLabel, axis: "bottom"},
    y: {type: "band", domain: Array.from({length: rows}, (_, i) => i + 1), ticks: ticks(rows), label: yLabel},
    color: {type: "linear", domain: [0, 1], scheme: "viridis", legend, label: "φ (0 = orthogonal, 1 = same subspace)"},
    marks: [Plot.cell(cells, {x: "j", y: "i", fill: "phi", inset: 0, tip: true, title: (d) => `i = ${d.i}, j = ${d.j}: φ = ${fixed(d.phi, 3)}`})]
  });
}

/** The paper's Table 7 (GPT-3, layer 48, W_q), from lora-facts.md. */
export const paperTable7 = {
  4: {ontoDeltaW: 0.32, ontoW: 21.67, ontoRandom: 0.02, normW: 61.95, normDeltaW: 6.91},
  64: {ontoDeltaW: 1.9, ontoW: 37.71, ontoRandom: 0.33, normW: 61.95, normDeltaW: 3.57}
};

/** Our Table 7 rows next to the paper's; `ours` is results.paper.table7 (r = 4 and r = 64), `size` our layer's d. */
export function Table7Table(ours, {size}) {
  const paper = ours.map((row) => ({...paperTable7[row.rank], rank: row.rank}));
  for (const row of paper) row.factor = row.normDeltaW / row.ontoDeltaW;
  const lines = [
    ["‖UᵀWVᵀ‖_F, U, V: ΔW's top r", "ontoDeltaW"],
    ["‖UᵀWVᵀ‖_F, U, V: W's top r", "ontoW"],
    ["‖UᵀWVᵀ‖_F, U, V: random", "ontoRandom"],
    ["‖W‖_F", "normW"],
    ["‖ΔW‖_F", "normDeltaW"],
    ["factor ‖ΔW‖_F / first row", "factor"]
  ];
  return html`<div class="rank-table-scroll"><table id="rank-table7" class="rank-table">
    <caption>W projected onto r-dimensional subspaces (§7.3). Ours: the ${size}×${size} planted task, W = W₀, ΔW learned by LoRA at rank r. Paper: GPT-3 175B, layer 48, W_q (Table 7); its factors are ratios of its table's entries (6.91 / 0.32 = 21.6, quoted in the text as ≈ 21.5).</caption>
    <thead><tr><th scope="col">quantity</th>${ours.map((d) => html`<th scope="col">ours, r = ${d.rank}</th>`)}${paper.map((d) => html`<th scope="col">paper, r = ${d.rank}</th>`)}</tr></thead>
    <tbody>${lines.map(([label, key]) => html`<tr><th scope="row">${label}</th>${ours.map((d) => html`<td>${fixed(d[key])}</td>`)}${paper.map((d) => html`<td>${fixed(d[key])}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

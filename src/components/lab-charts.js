// The lab's figures and its run table. Each function takes runs (LabResult from
// lib/site/lab plus {id, label}) and returns an element; none of them trains anything.
import * as Plot from "./plot.js";
import {html} from "htl";
import {formatBytes} from "../_generated/lib/index.js";
import {isLoRAMethod, methods} from "../_generated/lib/site/index.js";

/** A short name for a run's method and setup ("LoRA r=4 α=8 on layers.0,layers.2"). */
export function describeSetup(setup) {
  const label = methods.find((m) => m.id === setup.method)?.label ?? setup.method;
  if (!isLoRAMethod(setup.method)) return label;
  const scaling = setup.scaling === "alpha/r" ? "" : " (α/√r)";
  return `${label} r=${setup.rank} α=${setup.alpha}${scaling} on ${setup.targets.join(", ")}`;
}

const percent = (x) => (x == null || Number.isNaN(x) ? "—" : `${(100 * x).toFixed(1)}%`);

// Each task's axis titles (what a point of its loss and accuracy is).
const lossLabels = {digits: "training loss (cross-entropy, nats)", names: "training loss (nats per letter)", gpt: "training loss (nats per character)"};
const accuracyLabels = {digits: "accuracy on held-out digits 5–9 (%)", names: "next-letter accuracy on held-out names (%)", gpt: "next-character accuracy on held-out tagged text (%)"};

/** Mini-batch training loss over steps, one line per run (smoothed, raw values faint). */
export function LossChart(runs, {width, task}) {
  const points = runs.flatMap((run) => run.curve.map((d) => ({...d, run: run.label})));
  return Plot.plot({
    width,
    ariaLabel: "Training loss against training step, one line per run",
    ariaDescription: runs.map((r) => `${r.label}: ${r.curve[0]?.loss.toFixed(2) ?? "?"} at step 1, ${r.curve.at(-1)?.loss.toFixed(2) ?? "?"} at step ${r.curve.length}`).join("; "),
    height: 280,
    x: {label: "training step", grid: true},
    y: {label: lossLabels[task] ?? lossLabels.digits, grid: true, zero: true},
    color: {legend: true, domain: runs.map((r) => r.label)},
    marks: [
      Plot.lineY(points, {x: "step", y: "loss", stroke: "run", strokeOpacity: 0.18}),
      Plot.lineY(points, Plot.windowY({k: 15, anchor: "end"}, {x: "step", y: "loss", stroke: "run", strokeWidth: 2, tip: true})),
      Plot.ruleY([0])
    ]
  });
}

/** Test accuracy over steps, one line per run, with chance as a dashed rule. */
export function AccuracyChart(runs, {width, task, chance}) {
  const points = runs.flatMap((run) => run.evals.map((d) => ({...d, run: run.label})));
  return Plot.plot({
    width,
    ariaLabel: "Test accuracy against training step, one line per run",
    ariaDescription: runs.map((r) => `${r.label}: ${percent(r.evals.at(-1)?.accuracy)} at step ${r.evals.at(-1)?.step ?? 0}`).join("; "),
    height: 280,
    x: {label: "training step", grid: true},
    y: {label: accuracyLabels[task] ?? accuracyLabels.digits, grid: true, domain: [0, 100], percent: true},
    color: {legend: true, domain: runs.map((r) => r.label)},
    marks: [
      Plot.ruleY([chance], {strokeDasharray: "4,3", stroke: "var(--theme-foreground-faint)"}),
      Plot.text([chance], {y: (d) => d, x: 0, text: () => "chance", dy: -6, textAnchor: "start", fill: "var(--theme-foreground-muted)"}),
      Plot.lineY(points, {x: "step", y: "accuracy", stroke: "run", strokeWidth: 2}),
      Plot.dot(points, {x: "step", y: "accuracy", stroke: "run", r: 2, tip: true})
    ]
  });
}

/** σᵢ/σ₁ of ΔW for each layer, LoRA vs full fine-tuning, log scale; values below 1e-6·σ₁ are numerically zero and left out. */
export function SpectrumChart(pairs, {width, show = 40}) {
  const points = pairs.flatMap(({run, spectra}) => spectra.flatMap((s) => s.singular.slice(0, show)
    .map((value, i) => ({layer: s.layer, index: i + 1, relative: value / s.singular[0], run: run.label}))
    .filter((d) => d.relative > 1e-6)));
  return Plot.plot({
    width,
    height: 260,
    ariaLabel: "Singular values of ΔW relative to the largest, per layer, LoRA against full fine-tuning",
    ariaDescription: pairs.flatMap(({run, spectra}) => spectra.map((s) => `${run.label}, ${s.layer}: effective rank ${s.effectiveRank.toFixed(1)}`)).join("; "),
    fx: {label: null},
    x: {label: "singular value index i", grid: true},
    y: {label: "σᵢ / σ₁ of ΔW (log scale)", type: "log", grid: true, domain: [1e-3, 1], clamp: true, tickFormat: "~g"},
    color: {legend: true, domain: pairs.map((p) => p.run.label)},
    marks: [
      Plot.line(points, {fx: "layer", x: "index", y: "relative", stroke: "run", strokeWidth: 1.5}),
      Plot.dot(points, {fx: "layer", x: "index", y: "relative", stroke: "run", r: 2, tip: true})
    ]
  });
}

/** The run table: one row per run, with what the reader compares side by side. */
export function RunTable(runs, {fullTrainable, chance}) {
  const last = (run) => run.evals?.[run.evals.length - 1];
  return html`<table class="lab-runs">
    <thead><tr><th>run</th><th>method</th><th>status</th><th>test accuracy</th><th>test loss</th><th>trainable params</th><th>optimizer state</th><th>adapter / checkpoint</th><th>wall time</th></tr></thead>
    <tbody>${runs.map((run) => html`<tr data-run=${run.id} data-status=${run.status} data-accuracy=${last(run)?.accuracy ?? ""} data-losses=${JSON.stringify(run.curve.slice(0, 10).map((d) => d.loss))} data-steps=${run.curve.length} data-wall-ms=${run.wallMs ?? ""}>
      <td>${run.label}</td>
      <td>${describeSetup(run.setup)}</td>
      <td class=${`lab-status-${run.status}`}>${run.status === "error" ? html`error: ${run.error}` : run.status === "diverged" ? html`diverged: ${run.error.replace(/^Training diverged /, "")}` : run.status}${run.status === "running" ? ` (${run.curve.length}/${run.setup.steps})` : ""}${
        run.status === "done" && last(run)?.accuracy < 1.25 * chance ? html`<div class="lab-warning">no better than chance: the learning rate may be too large (the units died) or too small</div>` : ""}</td>
      <td>${percent(last(run)?.accuracy)}</td>
      <td>${last(run) ? last(run).loss.toFixed(3) : "—"}</td>
      <td>${run.trainable == null ? "—" : html`${run.trainable.toLocaleString("en-US")}${run.trainable < fullTrainable ? html` <span class="lab-note">(${(fullTrainable / run.trainable).toFixed(1)}× fewer than full)</span>` : ""}`}</td>
      <td>${run.optimizerBytes == null ? "—" : formatBytes(run.optimizerBytes)}</td>
      <td>${run.adapterBytes == null ? "—" : formatBytes(run.adapterBytes)}</td>
      <td>${run.wallMs == null ? "—" : run.source === "build" ? html`${(run.wallMs / 1000).toFixed(2)} s <span class="lab-note">(build)</span>` : `${(run.wallMs / 1000).toFixed(2)} s`}</td>
    </tr>`)}</tbody></table>`;
}

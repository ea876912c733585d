// The Variants page's charts, one function each: `Name(data, {width, ...options})` returning an element.
import * as Plot from "./plot.js";

/** Loss (or accuracy) against step, one line per method. */
export function CurvesChart(rows, {width, y = "loss", label = "training loss", ...options} = {}) {
  return Plot.plot({
    width, height: 260, marginLeft: 50, color: {legend: true}, ...options,
    x: {label: "step"}, y: {label, type: y === "loss" ? "log" : "linear", grid: true},
    marks: [Plot.lineY(rows, {x: "step", y, stroke: "method", tip: true})]
  });
}

/** Final target accuracy against rank, one line per scaling rule. */
export function SweepChart(rows, {width, ...options} = {}) {
  return Plot.plot({
    width, height: 240, marginLeft: 50, color: {legend: true}, ...options,
    x: {type: "log", base: 2, label: "rank r"}, y: {label: "5–9 test accuracy (%)", grid: true},
    marks: [Plot.lineY(rows, {x: "rank", y: "accuracy", stroke: "scaling", marker: true, tip: true})]
  });
}

/** Learned (target accuracy) against forgot (source accuracy lost), one dot per run. */
export function ForgettingChart(rows, {width, ...options} = {}) {
  return Plot.plot({
    width, height: 300, marginLeft: 50, color: {legend: true}, ...options,
    x: {label: "forgot: 0–4 accuracy lost (points) →", grid: true}, y: {label: "↑ learned: 5–9 test accuracy (%)", grid: true},
    marks: [Plot.dot(rows, {x: "forgot", y: "learned", fill: "method", r: 5, tip: true}), Plot.text(rows, {x: "forgot", y: "learned", text: "name", dy: -9, fontSize: 10})]
  });
}

/** The 16 NF4 levels on [−1, 1], over the N(0, 1) quantiles they come from. */
export function NF4LevelsChart(levels, {width, ...options} = {}) {
  const rows = levels.map((level, code) => ({code, level}));
  return Plot.plot({
    width, height: 120, ...options,
    x: {domain: [-1.05, 1.05], label: "value / block absmax"}, y: {axis: null},
    marks: [Plot.ruleY([0]), Plot.tickX(rows, {x: "level", strokeWidth: 2}), Plot.text(rows, {x: "level", text: "code", dy: -14, fontSize: 10})]
  });
}

/** Merge into NF4: output change and share of the adapter kept, against ‖ΔW‖/‖W0‖. */
export function MergeChart(rows, {width, ...options} = {}) {
  return Plot.plot({
    width, height: 260, marginLeft: 50, ...options,
    x: {type: "log", label: "‖ΔW‖ / ‖W0‖"}, y: {label: "share of the adapter's effect kept after merge + re-quantise", domain: [-0.1, 1.1], grid: true},
    marks: [Plot.ruleY([0, 1], {strokeOpacity: 0.3}), Plot.lineY(rows, {x: "relativeDelta", y: "kept", marker: true, tip: true})]
  });
}

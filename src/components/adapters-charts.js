// The Adapters page's figures: digits drawn as seen by each adapter, and accuracy
// along a blend of two adapters. Each function returns an element; none computes.
import * as Plot from "./plot.js";
import {html} from "htl";

const percent = (x) => `${(100 * x).toFixed(1)}%`;

/** One 14×14 digit (bytes 0..255, row-major) as a small canvas, ink dark on the page's background. */
export function DigitImage(pixels, {side = 14, size = 42, label = ""} = {}) {
  const canvas = html`<canvas width=${side} height=${side} role="img" aria-label=${label} style="width:${size}px;height:${size}px;image-rendering:pixelated;border:1px solid var(--theme-foreground-faint)">`;
  const context = canvas.getContext("2d");
  const image = context.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const ink = 255 - pixels[i];
    image.data.set([ink, ink, ink, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

/** Digits with the model's predicted class under each, wrong ones marked. */
export function PredictionStrip(items, {title} = {}) {
  return html`<figure class="adapters-strip">${title ? html`<figcaption>${title}</figcaption>` : ""}<div>${items.map(({pixels, label, predicted}) => html`<span class=${predicted === label ? "ok" : "wrong"}>${DigitImage(pixels, {size: 36, label: `a ${label}, predicted ${predicted}`})}<br>${predicted}${predicted === label ? "" : "✗"}</span>`)}</div></figure>`;
}

/** Accuracy on every view along w = (1 − t, t) between two adapters, with the live t as a rule. */
export function BlendChart(grid, {width, views, pair, t, live, chance}) {
  const points = grid.flatMap(({t, accuracy}) => views.map(({view, title}) => ({t, view: title, accuracy: accuracy[view]})));
  const liveDots = live ? views.map(({view, title}) => ({t, view: title, accuracy: live[view]})) : [];
  return Plot.plot({
    width,
    height: 320,
    ariaLabel: `Accuracy on each view of the digits as the blend moves from the ${pair[0]} adapter (t = 0) to the ${pair[1]} adapter (t = 1)`,
    ariaDescription: views.map(({view, title}) => `${title}: ${grid.map((d) => `${percent(d.accuracy[view])} at t = ${d.t.toFixed(2)}`).filter((_, i) => i % 5 === 0).join(", ")}`).join("; "),
    x: {label: `blend t: weights (1 − t) on ${pair[0]}, t on ${pair[1]}`, domain: [0, 1], grid: true},
    y: {label: "test accuracy (%)", domain: [0, 100], grid: true, percent: true},
    color: {legend: true, domain: views.map((v) => v.title)},
    marks: [
      Plot.ruleY([chance], {strokeDasharray: "4,3", stroke: "var(--theme-foreground-faint)"}),
      Plot.text([chance], {y: (d) => d, x: 1, text: () => "chance", dy: -6, textAnchor: "end", fill: "var(--theme-foreground-muted)"}),
      Plot.line(points, {x: "t", y: "accuracy", stroke: "view", strokeWidth: 2}),
      Plot.dot(points, {x: "t", y: "accuracy", stroke: "view", r: 2, tip: true}),
      Plot.ruleX([t], {stroke: "var(--theme-foreground-muted)"}),
      Plot.dot(liveDots, {x: "t", y: "accuracy", fill: "view", r: 5})
    ]
  });
}

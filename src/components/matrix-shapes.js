// W0 (d×k), B (d×r) and A (r×k) drawn to one scale: one unit of d, k or r is the same
// number of pixels in every box, so the areas compare the numbers each matrix holds.
import * as d3 from "../_generated/vendor/d3.js";

/** An SVG of ΔW = B·A beside W0, to scale; frozen in grey, trainable in the focus colour. */
export function MatrixShapes({d, k, r}, {width = 640, maxHeight = 240} = {}) {
  const gap = 44, top = 26, bottom = 34;
  const unit = Math.min((width - 3 * gap - 8) / (2 * k + r), maxHeight / d);
  const size = (n) => Math.max(1.5, n * unit); // thin factors stay visible
  const boxes = [
    {name: "W₀", rows: d, cols: k, kind: "frozen", note: "frozen"},
    {name: "B", rows: d, cols: r, kind: "trainable", note: "trainable"},
    {name: "A", rows: r, cols: k, kind: "trainable", note: "trainable"}
  ];
  let x = 4;
  for (const [i, box] of boxes.entries()) {
    Object.assign(box, {x, w: size(box.cols), h: size(box.rows)});
    x += box.w + (i === 0 ? 1.5 * gap : gap);
  }
  const height = top + size(d) + bottom;
  const svg = d3.create("svg").attr("class", "matrix-shapes").attr("width", width).attr("height", height)
    .attr("viewBox", [0, 0, width, height]).attr("role", "img")
    .attr("aria-label", `To scale: W0 is ${d} by ${k} (${d * k} frozen numbers); B is ${d} by ${r} and A is ${r} by ${k} (${r * (d + k)} trainable numbers).`);
  const g = svg.selectAll("g").data(boxes).join("g").attr("transform", (b) => `translate(${b.x},${top})`);
  g.append("rect").attr("class", (b) => `matrix-${b.kind}`).attr("width", (b) => b.w).attr("height", (b) => b.h);
  g.append("text").attr("class", "matrix-name").attr("y", -8).text((b) => b.name);
  g.append("text").attr("class", "matrix-dims").attr("y", (b) => b.h + 16).text((b) => `${b.rows}×${b.cols}`);
  g.append("text").attr("class", "matrix-note").attr("y", (b) => b.h + 30).text((b) => b.note);
  const [w0, b] = boxes;
  svg.append("text").attr("class", "matrix-op").attr("x", w0.x + w0.w + 0.75 * gap - 5).attr("y", top + Math.min(size(d), 40) / 2 + 6).text("+");
  svg.append("text").attr("class", "matrix-op").attr("x", b.x + b.w + gap / 2 - 3).attr("y", top + Math.min(size(r), 40) / 2 + 6).text("·");
  return svg.node();
}

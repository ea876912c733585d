// Draws what a live cell's worker sends back (see describe() in live-cell-worker.ts):
// console lines, the returned value (numbers, strings, matrices as small tables,
// typed arrays, arrays of records as tables, objects as key lists), charts with
// Observable Plot and errors with their line in the cell. Plots are cut to the run's
// budget (live-cell-budget.ts) and every link in them must be http(s) or stay on this
// site: Plot's `href` channel could otherwise put a clickable javascript: link in the page.
import * as Plot from "./plot.js";
import {budgetPlot, cutNote, isSafeLink} from "./live-cell-budget.js";

/** Numbers as a reader wants them: integers whole, others to 4 significant digits. */
export function formatNumber(x) {
  if (Number.isInteger(x) || !Number.isFinite(x)) return String(x);
  const size = Math.abs(x);
  return size >= 1e-3 && size < 1e6 ? String(+x.toPrecision(4)) : x.toExponential(3);
}

function element(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

const isPrimitive = (shown) => !["matrix", "typed", "array", "object"].includes(shown.kind);

/** A value on one line (inside logs, arrays, objects). */
function inline(shown) {
  switch (shown.kind) {
    case "number": return formatNumber(shown.value);
    case "string": return JSON.stringify(shown.value);
    case "boolean": case "bigint": case "symbol": return String(shown.value) + (shown.kind === "bigint" ? "n" : "");
    case "undefined": case "null": return shown.kind;
    case "function": return `ƒ ${shown.name}()`;
    case "error": return `${shown.name}: ${shown.message}`;
    case "elided": return `${shown.type || "Object"} {…}`;
    case "matrix": return `Matrix ${shown.rows}×${shown.cols}`;
    case "typed": return `${shown.type}(${shown.length}) [${shown.values.map(formatNumber).join(", ")}${shown.length > shown.values.length ? ", …" : ""}]`;
    case "array": return `${shown.type || ""}[${shown.items.map(inline).join(", ")}${shown.length > shown.items.length ? `, … ${shown.length - shown.items.length} more` : ""}]`;
    case "object": return `${shown.type ? shown.type + " " : ""}{${shown.entries.map(([k, v]) => `${k}: ${inline(v)}`).join(", ")}${shown.size > shown.entries.length ? ", …" : ""}}`;
  }
  return "?";
}

function matrixTable({rows, cols, values}, type = "Matrix") {
  const table = element("table", "live-cell-matrix");
  table.append(element("caption", "", `${type} ${rows}×${cols}` + (rows > values.length || cols > (values[0]?.length ?? 0) ? ` (first ${values.length}×${values[0]?.length ?? 0} shown)` : "")));
  for (const row of values) {
    const tr = table.insertRow();
    for (const value of row) tr.insertCell().textContent = formatNumber(value);
    if (cols > row.length) tr.insertCell().textContent = "…";
  }
  if (rows > values.length) table.insertRow().insertCell().textContent = "⋮";
  return table;
}

/** Arrays of flat objects with the same keys ({step, loss}…) read best as a table. */
function recordTable(shown) {
  const records = shown.items;
  if (records.length === 0 || !records.every((r) => r.kind === "object" && r.entries.every(([, v]) => isPrimitive(v)))) return null;
  const keys = [...new Set(records.flatMap((r) => r.entries.map(([k]) => k)))];
  const table = element("table", "live-cell-records");
  table.createTHead().insertRow().append(...keys.map((k) => element("th", "", k)));
  const body = table.createTBody();
  for (const record of records.slice(0, 20)) {
    const tr = body.insertRow();
    const values = new Map(record.entries);
    for (const key of keys) tr.insertCell().textContent = values.has(key) ? inline(values.get(key)) : "";
  }
  if (shown.length > 20) table.append(element("caption", "", `${shown.length} rows (first 20 shown)`));
  return table;
}

/** Arrays of equal-length number arrays (a grid such as subspaceSimilarityGrid's) read as a matrix. */
function numberGrid(shown) {
  const rows = shown.items, cols = rows[0]?.length;
  if (!rows.length || !rows.every((row) => row.kind === "array" && row.length === cols && row.items.every((item) => item.kind === "number"))) return null;
  const values = rows.slice(0, 12).map((row) => row.items.slice(0, 10).map((item) => item.value));
  return matrixTable({rows: shown.length, cols, values}, "Array");
}

/** A value as a block: tables for matrices and records, key lists for objects. */
export function renderValue(shown) {
  if (shown.kind === "string") return element("pre", "live-cell-string", shown.value);
  if (shown.kind === "matrix") return matrixTable(shown);
  if (shown.kind === "array") {
    const table = recordTable(shown) ?? numberGrid(shown);
    if (table) return table;
  }
  const text = inline(shown);
  if (text.length <= 100 || shown.kind !== "object" && shown.kind !== "array") return element("code", "live-cell-inline", text);
  const list = element("dl", "live-cell-object", element("dt", "live-cell-type", shown.type || (shown.kind === "array" ? `Array(${shown.length})` : "Object")));
  const entries = shown.kind === "array" ? shown.items.map((item, i) => [String(i), item]) : shown.entries;
  for (const [key, value] of entries) list.append(element("dd", "", element("span", "live-cell-key", `${key}: `), isPrimitive(value) ? inline(value) : renderValue(value)));
  return list;
}

/** The error, its line in the cell and that line's text. */
function renderError({name, message, line}, code) {
  const lines = code.split("\n");
  const at = line === undefined ? null : Math.min(Math.max(line, 1), lines.length);
  const box = element("div", "live-cell-error", element("strong", "", `${name}${at ? ` on line ${at}` : ""}: `), message);
  box.setAttribute("role", "alert");
  if (at) box.append(element("pre", "", `${at} │ ${lines[at - 1]}`));
  return box;
}

const PLOT_OPTIONS = ["title", "subtitle", "caption", "x", "y", "color", "fx", "fy", "r", "width", "height", "grid", "inset", "marginTop", "marginRight", "marginBottom", "marginLeft", "ariaLabel", "ariaDescription"];

const MARKS = new Set(["lineY", "lineX", "line", "dot", "dotX", "dotY", "barY", "barX", "rectY", "rectX", "areaY", "areaX", "cell", "ruleX", "ruleY", "tickX", "tickY", "text"]);

/** Removes every link in `root` that is not http(s) or same-site; returns how many went. */
export function dropUnsafeLinks(root, base = document.baseURI) {
  let dropped = 0;
  for (const link of root.querySelectorAll("a, [href], [*|href]")) {
    for (const name of ["href", "xlink:href"]) {
      if (link.hasAttribute(name) && !isSafeLink(link.getAttribute(name), base)) {
        link.removeAttribute(name);
        dropped++;
      }
    }
  }
  return dropped;
}

/** A chart from the worker's plot() spec, drawn here with Observable Plot, cut to the budget, links checked. */
function renderPlot(message, width) {
  const {spec, cuts} = budgetPlot(message.spec);
  for (const cut of message.cuts ?? []) if (!cuts.includes(cut)) cuts.push(cut);
  const options = Object.fromEntries(PLOT_OPTIONS.filter((key) => key in spec).map((key) => [key, spec[key]]));
  const marks = spec.marks.filter(({type}) => MARKS.has(type)).map(({type, data, ...markOptions}) => Plot[type](data, markOptions));
  const described = spec.marks.map(({type, x, y}) => `${type}${typeof y === "string" ? ` of ${y}` : ""}${typeof x === "string" ? ` against ${x}` : ""}`).join("; ");
  const figure = Plot.plot({width: Math.min(width, 640), ariaLabel: `Chart from the cell: ${described}`, ...options, marks});
  const dropped = dropUnsafeLinks(figure);
  if (dropped) cuts.push(`${dropped} link${dropped === 1 ? "" : "s"} removed: only http(s) links and links within this site are kept`);
  const box = element("div", "live-cell-plot", figure);
  if (cuts.length) box.append(element("div", "live-cell-cut", `Cut: ${cuts.join("; ")}.`));
  return box;
}

let warm = false;

/**
 * Draws one tiny off-page chart of each common mark, once per page: Plot's first chart
 * costs ~25 ms more than later ones (its code is compiled on first use), so a run calls
 * this while its worker starts, and a cell's first big plot is not one long task.
 */
export function warmPlot() {
  if (warm) return;
  warm = true;
  const data = [{x: 0, y: 0}, {x: 1, y: 1}];
  Plot.plot({marks: [Plot.dot(data, {x: "x", y: "y"}), Plot.lineY(data, {x: "x", y: "y"}), Plot.barY(data, {x: "x", y: "y"})]});
}

/** One worker message as an element (code is the cell's code, for error lines). */
export function renderMessage(message, {code, width}) {
  switch (message.type) {
    case "log": {
      const line = element("div", `live-cell-log live-cell-log-${message.level}`);
      line.append(...message.args.flatMap((arg, i) => [i ? " " : "", arg.kind === "string" ? arg.value : inline(arg)]));
      return line;
    }
    case "result": return message.value.kind === "undefined" ? null : element("div", "live-cell-result", renderValue(message.value));
    case "plot": return renderPlot(message, width);
    case "error": return renderError(message, code);
    case "cut": return element("div", "live-cell-cut", cutNote(message.kind, message.count));
  }
  return null;
}

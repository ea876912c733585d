// The live-cell sandbox: one Web Worker per run. It receives a cell's code and a
// MessagePort, runs the code as the body of an async function with the engine's API in
// scope as `lora`, the site's experiments (datasets, base models) as `site`, and a `plot`
// helper, and posts back over that port what the page shows: console lines, charts, the
// returned value and errors with their line number in the cell. The port lives in this
// module's scope, which cell code cannot reach, so the cell cannot forge the runner's
// messages (self.postMessage goes nowhere the page listens). Before the cell runs, the
// network APIs are taken out of its scope. The page kills the worker to stop a run, so
// nothing here needs to be cancelable.
import * as lora from "../_generated/lib/index.js";
import * as site from "../_generated/lib/site/index.js";
import {BUDGET, type PlotSpec, budgetPlot} from "./live-cell-budget.js";

// This worker wants the WebAssembly SIMD kernels (the TypeScript ones where SIMD is missing).
lora.useFastKernels();

type Position = {line: number; column: number};
type Cell = (lora: unknown, site: unknown, plot: unknown) => Promise<unknown>;

const PARAMETERS = ["lora", "site", "plot"];
const AsyncFunction = (async function () {}).constructor as new (...args: string[]) => Cell;
const indirectEval = eval; // kept for syntaxErrorPosition before the cell's scope loses eval
const MARKS = new Set(["lineY", "lineX", "line", "dot", "dotX", "dotY", "barY", "barX", "rectY", "rectX", "areaY", "areaX", "cell", "ruleX", "ruleY", "tickX", "tickY", "text"]);

/** Where the code's line `n` sits in a stack trace: Chrome says `<anonymous>:LINE:COL`, Firefox `> Function:LINE:COL`. */
function stackPosition(stack: string | undefined): Position | null {
  const match = /<anonymous>:(\d+):(\d+)/.exec(stack ?? "") ?? /> (?:Function|eval):(\d+):(\d+)/.exec(stack ?? "");
  return match ? {line: Number(match[1]), column: Number(match[2])} : null;
}

// The Function constructor puts a header of its own before the body; measure it
// once by compiling a one-line throw instead of assuming the engine's layout.
const headerLines = (() => {
  try {
    new Function(...PARAMETERS, "throw new Error()")();
  } catch (error) {
    const at = stackPosition((error as Error).stack);
    if (at) return at.line - 1;
  }
  return 2;
})();

// A SyntaxError from the Function constructor carries no position in Chrome, but
// the same source thrown uncaught from an indirect eval reports one on the global
// error event. Compiling a function expression never runs its body (a body that
// closes the wrapper early could run, but only here, after the reader pressed Run).
function syntaxErrorPosition(code: string, error: Error): Promise<Position | null> {
  const firefox = (error as Error & {lineNumber?: number; columnNumber?: number}).lineNumber;
  if (typeof firefox === "number") return Promise.resolve({line: firefox - headerLines, column: 0});
  return new Promise((resolve) => {
    const onError = (event: ErrorEvent) => {
      event.preventDefault(); // handled: not an uncaught error in the console
      self.removeEventListener("error", onError);
      resolve(event.lineno ? {line: event.lineno - 1, column: event.colno} : null);
    };
    self.addEventListener("error", onError);
    setTimeout(() => {
      indirectEval(`(async function (${PARAMETERS}) {\n${code}\n})`);
      self.removeEventListener("error", onError); // it compiled after all
      resolve(null);
    });
  });
}

/** A structured-cloneable picture of any value, truncated so huge results stay cheap. */
export function describe(value: unknown, depth = 0, seen = new Set<object>()): unknown {
  if (value === null) return {kind: "null"};
  switch (typeof value) {
    case "number": return {kind: "number", value};
    case "string": return {kind: "string", value: value.length > 10_000 ? value.slice(0, 10_000) + "…" : value};
    case "boolean": return {kind: "boolean", value};
    case "undefined": return {kind: "undefined"};
    case "bigint": return {kind: "bigint", value: String(value)};
    case "symbol": return {kind: "symbol", value: String(value)};
    case "function": return {kind: "function", name: value.name || "anonymous"};
  }
  const object = value as Record<string, unknown>;
  if (seen.has(object)) return {kind: "elided", type: "circular reference"};
  if (isMatrix(object)) {
    const {rows, cols, data} = object;
    const shownRows = Math.min(rows, 12), shownCols = Math.min(cols, 10);
    const values = Array.from({length: shownRows}, (_, i) => Array.from(data.subarray(i * cols, i * cols + shownCols)));
    return {kind: "matrix", rows, cols, values};
  }
  if (ArrayBuffer.isView(object) && !(object instanceof DataView)) {
    const typed = object as unknown as ArrayLike<number | bigint>;
    return {kind: "typed", type: object.constructor.name, length: typed.length, values: Array.from({length: Math.min(typed.length, 50)}, (_, i) => Number(typed[i]))};
  }
  if (object instanceof Error) return {kind: "error", name: object.name, message: object.message};
  if (object instanceof Date) return {kind: "string", value: object.toISOString()};
  if (depth >= 4) return {kind: "elided", type: typeName(object)};
  seen.add(object);
  try {
    if (Array.isArray(object) || object instanceof Set) {
      const items = [...(object as Iterable<unknown>)];
      return {kind: "array", type: typeName(object), length: items.length, items: items.slice(0, 100).map((item) => describe(item, depth + 1, seen))};
    }
    const entries = object instanceof Map ? [...object] : Object.entries(object);
    return {
      kind: "object",
      type: typeName(object),
      size: entries.length,
      entries: entries.slice(0, 30).map(([key, item]) => [String(key), describe(item, depth + 1, seen)])
    };
  } finally {
    seen.delete(object);
  }
}

function isMatrix(value: Record<string, unknown>): value is {rows: number; cols: number; data: Float32Array} {
  const {rows, cols, data} = value;
  return Number.isInteger(rows) && Number.isInteger(cols) && data instanceof Float32Array && data.length === (rows as number) * (cols as number);
}

function typeName(object: object): string {
  const name = Object.getPrototypeOf(object)?.constructor?.name;
  return name && name !== "Object" && name !== "Array" ? name : "";
}

// Bound to the run's port before any cell code runs: patching MessagePort.prototype later changes nothing.
let send: (message: unknown) => void = () => {};
const now = performance.now.bind(performance);
const microtask = queueMicrotask.bind(self);

// Console lines travel in batches: a loop of console.log would otherwise queue one page task
// per line (1,000 of them), crowding out the page's own work. A batch leaves when it holds
// LOG_BATCH lines, when its first line is LOG_BATCH_MS old, when the cell's code next
// awaits (a microtask), or before any other message, so the order is kept.
const LOG_BATCH = 50, LOG_BATCH_MS = 16;
const logs: unknown[] = [];
let logsSince = 0;

function flushLogs(): void {
  if (logs.length) send({type: "logs", lines: logs.splice(0)});
}

/** Sends one message to the page, after the console lines before it. */
function post(message: unknown): void {
  flushLogs();
  send(message);
}

let logLines = 0;
for (const level of ["log", "info", "debug", "warn", "error"] as const) {
  console[level] = (...args: unknown[]) => {
    logLines++;
    if (logLines > BUDGET.logLines) return;
    if (logs.length === 0) {
      logsSince = now();
      microtask(flushLogs);
    }
    logs.push({type: "log", level, args: args.map((arg) => describe(arg))});
    if (logs.length >= LOG_BATCH || now() - logsSince >= LOG_BATCH_MS) flushLogs();
  };
}

/** What cell code must not reach: every way a worker makes a request or starts another script (fetch is replaced). */
export const NETWORK_APIS = ["fetch", "XMLHttpRequest", "WebSocket", "WebSocketStream", "EventSource", "Worker", "SharedWorker", "importScripts", "WebTransport"];

/**
 * Deletes the network APIs from the worker's global scope and its prototypes, and pins them
 * to undefined (fetch to `siteFetch`, which reaches this origin only). eval and every function constructor go too: with them a cell could build an
 * import("https://…") from strings; a literal import( is refused before the code compiles.
 */
function removeNetwork(): void {
  for (const make of [function () {}, async function () {}, function* () {}, async function* () {}]) {
    Object.defineProperty(Object.getPrototypeOf(make), "constructor", {value: undefined, writable: false, configurable: false});
  }
  for (const name of [...NETWORK_APIS, "eval", "Function"]) {
    for (let target: object | null = self; target; target = Object.getPrototypeOf(target)) {
      if (Object.prototype.hasOwnProperty.call(target, name)) delete (target as Record<string, unknown>)[name];
    }
    Object.defineProperty(self, name, {value: name === "fetch" ? siteFetch : undefined, writable: false, configurable: false});
  }
}

const nativeFetch = self.fetch.bind(self);

/** fetch for cells: this site's own files only (cells load the lab's data this way), no redirects elsewhere. */
function siteFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : String(input), self.location.href);
  if (url.origin !== self.location.origin) {
    return Promise.reject(new TypeError(`cells may fetch only this site's own files; ${url.origin} is another origin`));
  }
  return nativeFetch(url, {...init, credentials: "same-origin", redirect: "error"});
}


let plots = 0;

/** plot({marks: [{type: "lineY", data, x: "step", y: "loss"}], y: {label: "loss"}}): the page draws it with Observable Plot. */
function plot(spec: PlotSpec): void {
  if (!spec || !Array.isArray(spec.marks) || spec.marks.length === 0) {
    throw new TypeError('plot wants {marks: [{type: "lineY", data, x: "step", y: "loss"}], ...Plot options}');
  }
  for (const mark of spec.marks) {
    if (!MARKS.has(mark?.type)) throw new TypeError(`plot: mark type must be one of ${[...MARKS].join(", ")}; got ${JSON.stringify(mark?.type)}`);
    if (!Array.isArray(mark.data) && !ArrayBuffer.isView(mark.data)) throw new TypeError(`plot: a ${mark.type} mark needs data: an array`);
  }
  plots++;
  if (plots > BUDGET.plots) return; // counted; the page hears how many at the end
  const {spec: cut, cuts} = budgetPlot(spec);
  let size = 0;
  try {
    size = JSON.stringify(cut).length;
  } catch {
    throw new TypeError("plot: data and options must be plain numbers, strings, arrays and objects (no functions, class instances or cycles)");
  }
  if (size > BUDGET.plotBytes) throw new RangeError(`plot: this plot is ${(size / 1e6).toFixed(1)} MB after sampling; at most ${BUDGET.plotBytes / 1e6} MB keeps the page responsive (draw fewer fields or rows)`);
  try {
    post({type: "plot", spec: cut, cuts});
  } catch {
    throw new TypeError("plot: data and options must be plain numbers, strings, arrays and objects (no functions or class instances)");
  }
}
/** Shorthands: plot.line(data, {x, y}, plotOptions), plot.dot(…), plot.bar(…), plot.cell(…). */
plot.line = (data: unknown, options = {}, plotOptions = {}) => plot({...plotOptions, marks: [{type: "lineY", data, ...options}]});
plot.dot = (data: unknown, options = {}, plotOptions = {}) => plot({...plotOptions, marks: [{type: "dot", data, ...options}]});
plot.bar = (data: unknown, options = {}, plotOptions = {}) => plot({...plotOptions, marks: [{type: "barY", data, ...options}]});
plot.cell = (data: unknown, options = {}, plotOptions = {}) => plot({...plotOptions, marks: [{type: "cell", data, ...options}]});

async function run(code: string): Promise<void> {
  const importAt = code.split("\n").findIndex((line) => /\bimport\s*\(/.test(line));
  if (importAt >= 0) {
    post({type: "error", name: "Error", message: "cells cannot import modules: the sandbox has no network (lib is already in scope as `lora`)", line: importAt + 1});
    return;
  }
  let cell: Cell;
  try {
    cell = new AsyncFunction(...PARAMETERS, code);
  } catch (error) {
    const at = await syntaxErrorPosition(code, error as Error);
    post({type: "error", name: (error as Error).name, message: (error as Error).message, line: at?.line, column: at?.column});
    return;
  }
  try {
    const value = await cell(lora, site, plot);
    post({type: "result", value: describe(value)});
  } catch (error) {
    const thrown = error instanceof Error ? error : new Error(String(error));
    const at = stackPosition(thrown.stack);
    post({type: "error", name: thrown.name, message: thrown.message, line: at ? at.line - headerLines : undefined, column: at?.column});
  }
}

// The first message carries the code and the port; later ones (none are sent) are ignored.
self.onmessage = async (event: MessageEvent<{code: string; port: MessagePort}>) => {
  self.onmessage = null;
  const {code, port} = event.data;
  send = port.postMessage.bind(port);
  removeNetwork();
  post({type: "ready"});
  await run(code);
  if (plots > BUDGET.plots) post({type: "cut", kind: "plots", count: plots - BUDGET.plots});
  if (logLines > BUDGET.logLines) post({type: "cut", kind: "logLines", count: logLines - BUDGET.logLines});
  post({type: "done"});
};

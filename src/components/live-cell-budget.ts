// What one live-cell run may show, and the cuts past it. The worker applies these
// before posting (so a 300,000-point plot is never even copied to the page) and the
// page applies them again before drawing (it trusts nothing from the worker). The
// numbers come from Chromium: 1,000 dots took ~53 ms of CPU to draw on this project's machines
// (152 ms of wall time at 35% of a core), so 500 per-point marks stay near 25 ms, well under
// the 50 ms a task may block the page; a line is one path, so it can take 10,000 points.
// No DOM here: the worker imports it too.

/** The budgets of one run, with the reason the reader sees when one is hit. */
export const BUDGET = {
  logLines: 1000, // console lines shown
  outputs: 1200, // outputs of any kind (console lines, plots, the result, errors)
  plots: 50, // plots drawn
  marksPerPlot: 8, // marks in one plot
  pointsPerMark: 500, // data rows of a per-point mark (dot, bar, cell, text, …)
  pointsPerLine: 10_000, // data rows of a line or area (one path)
  stringLength: 1000, // characters of any string option (titles, labels, colours)
  plotBytes: 1_000_000 // a plot spec's JSON size after the cuts above
};

const PATH_MARKS = new Set(["lineY", "lineX", "line", "areaY", "areaX"]);

/** A plot as the worker's plot() helper builds it: Plot options plus marks {type, data, …options}. */
export interface PlotSpec {marks: MarkSpec[]; [option: string]: unknown}
export interface MarkSpec {type: string; data?: unknown; [option: string]: unknown}
type Rows = ArrayLike<unknown>;

/** Every k-th row of an array or typed array so at most `limit` remain (keeps a long series' shape), and how many there were. */
function sample(data: Rows, limit: number): {data: Rows; length: number; step?: number} {
  const length = data.length;
  if (length <= limit) return {data, length};
  const step = Math.ceil(length / limit);
  const kept: unknown[] = [];
  for (let i = 0; i < length && kept.length < limit; i += step) kept.push(data[i]);
  return {data: kept, length, step};
}

function clip(value: unknown): unknown {
  return typeof value === "string" && value.length > BUDGET.stringLength ? value.slice(0, BUDGET.stringLength) + "…" : value;
}

/**
 * A plot spec cut to the budget: at most `marksPerPlot` marks, rows sampled evenly,
 * long strings clipped. Returns {spec, cuts}: cuts are sentences for the reader.
 */
export function budgetPlot(spec: PlotSpec): {spec: PlotSpec; cuts: string[]} {
  const cuts: string[] = [];
  let marks = Array.isArray(spec.marks) ? spec.marks : [];
  if (marks.length > BUDGET.marksPerPlot) {
    cuts.push(`${marks.length - BUDGET.marksPerPlot} of ${marks.length} marks not drawn (at most ${BUDGET.marksPerPlot} per plot)`);
    marks = marks.slice(0, BUDGET.marksPerPlot);
  }
  const options = Object.fromEntries(Object.entries(spec).filter(([key]) => key !== "marks").map(([key, value]) => [key, clip(value)]));
  const budgeted = marks.map((mark) => {
    const {type, data = [], ...markOptions} = mark ?? ({} as MarkSpec);
    const limit = PATH_MARKS.has(type) ? BUDGET.pointsPerLine : BUDGET.pointsPerMark;
    const sampled = sample(Array.isArray(data) || ArrayBuffer.isView(data) ? (data as Rows) : [], limit);
    if (sampled.step) {
      cuts.push(`${type}: ${sampled.data.length.toLocaleString("en-US")} of ${sampled.length.toLocaleString("en-US")} points drawn (every ${sampled.step}th; at most ${limit.toLocaleString("en-US")} per ${PATH_MARKS.has(type) ? "line" : "mark"} keep the page responsive)`);
    }
    return {type, data: sampled.data, ...Object.fromEntries(Object.entries(markOptions).map(([key, value]) => [key, clip(value)]))};
  });
  return {spec: {...options, marks: budgeted}, cuts};
}

/** The note shown when a run's outputs hit a budget: what was cut and why. */
export function cutNote(kind: "plots" | "outputs" | "logLines", count: number): string {
  const limits: Record<string, string> = {plots: `at most ${BUDGET.plots} plots`, outputs: `at most ${BUDGET.outputs.toLocaleString("en-US")} outputs`, logLines: `at most ${BUDGET.logLines.toLocaleString("en-US")} console lines`};
  return `${count.toLocaleString("en-US")} more ${kind === "plots" ? "plots" : kind === "logLines" ? "console lines" : "outputs"} not shown: a cell shows ${limits[kind]}, so that the page stays responsive.`;
}

/** True for a link the page may render: http(s) anywhere, or a relative link that stays on this site. */
export function isSafeLink(href: unknown, base: string): boolean {
  let url: URL;
  try {
    url = new URL(String(href).trim(), base);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  // An absolute http(s) link is fine; a relative one must resolve to this origin (no "//evil.example").
  return /^https?:/i.test(String(href).trim()) || url.origin === new URL(base).origin;
}

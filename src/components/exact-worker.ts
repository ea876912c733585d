// The Math page's worked example in exact fractions (mathjs), off the main thread:
// building mathjs's default instance costs ~1 s of one task on this project's machines
// (4.2 s under load), which blocked the page on load when it was imported there.
// Served by serveExperiment, like every one-job worker (worker-run.js's protocol).
import {serveExperiment} from "./experiment-worker.js";
import {add, deepEqual, fraction, matrix, multiply, subtract, type Fraction, type Matrix} from "mathjs";

/** The example as the page states it: entries are numbers or fraction strings ("1/2"). */
interface Example {W0: (number | string)[][]; B: (number | string)[][]; A: (number | string)[][]; x: (number | string)[][]; s: string}

const exact = (rows: (number | string)[][]): Matrix => matrix(rows.map((row) => row.map((v) => fraction(v))));
const latex = (m: Matrix): string => String.raw`\begin{bmatrix}${(m.toArray() as unknown as Fraction[][]).map((row) => row.map((v) => v.toLatex()).join(" & ")).join(String.raw` \\ `)}\end{bmatrix}`;

/** Both sides of (W0 + sBA) x = W0 x + s B (A x), and whether W - sBA gives back W0, as LaTeX and booleans. */
export function workedExample(input: Example) {
  const [W0, B, A, x] = [input.W0, input.B, input.A, input.x].map(exact);
  const s = fraction(input.s);
  const sBA = multiply(s, multiply(B, A)) as Matrix; // (3×2)(2×4) -> 3×4
  const merged = add(W0, sBA) as Matrix; // W = W0 + s·B·A
  const left = multiply(merged, x) as Matrix; // (3×4)(4×1) -> 3×1: (W0 + sBA) x
  const right = add(multiply(W0, x), multiply(s, multiply(B, multiply(A, x)))) as Matrix; // W0 x + s B (A x), A x an r-vector
  return {
    latex: {W0: latex(W0), B: latex(B), A: latex(A), x: latex(x), left: latex(left), right: latex(right)},
    same: deepEqual(left, right) as unknown as boolean,
    unmergedExact: deepEqual(subtract(merged, sBA), W0) as unknown as boolean
  };
}

// One unit of work, computed when the run starts: an error there is the protocol's {type: "error"}.
serveExperiment((input: Example) => {
  const result = workedExample(input);
  return {advance: () => true, progress: () => ({}), result: () => result};
});

// Math with KaTeX, bundled from node_modules (Framework's built-in `tex` loads from
// a CDN). Import it in a page's first cell to shadow the built-in:
//   import {tex} from "./components/tex.js";
// then ${tex`x^2`} renders inline and tex.block`…` (or a ```tex fence) as display.
import katex from "katex";

function render(strings, values, displayMode) {
  const source = String.raw(strings, ...values);
  const root = document.createElement(displayMode ? "div" : "span");
  root.className = displayMode ? "tex tex-display" : "tex";
  // throwOnError: false shows a red source snippet instead of breaking the cell.
  katex.render(source, root, {displayMode, throwOnError: false, output: "htmlAndMathml"});
  return root;
}

/** Inline math: tex`a^2 + b^2`. */
export function tex(strings, ...values) {
  return render(strings, values, false);
}

/** Display math: tex.block`\sum_i x_i`. */
tex.block = (strings, ...values) => render(strings, values, true);

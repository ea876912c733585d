// Math with KaTeX, bundled from node_modules (Framework's built-in `tex` loads from
// a CDN). Import it in a page's first cell to shadow the built-in:
//   import {tex} from "./components/tex.js";
// then ${tex`x^2`} renders inline and tex.block`…` (or a ```tex fence) as display.
import katex from "katex";
import {katexFonts} from "../_generated/katex-fonts.js";

// KaTeX's fonts are separate files (scripts/build-katex-css.mjs): declared once per page,
// fetched by the browser only for the faces its math uses; swap shows the text meanwhile.
function addFontFaces() {
  if (document.getElementById("katex-fonts")) return;
  const style = document.createElement("style");
  style.id = "katex-fonts";
  style.textContent = katexFonts.map(({family, style, weight, file}) =>
    `@font-face{font-family:${family};font-style:${style};font-weight:${weight};font-display:swap;src:url(${JSON.stringify(file.href)}) format("woff2")}`).join("\n");
  document.head.append(style);
}

function render(strings, values, displayMode) {
  addFontFaces();
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

// A numbered, linkable display equation. The id lives on a static wrapper in the page's
// markdown, so the anchor exists before any cell runs (and Framework's link check sees it):
//   <div class="equation" id="eq-lora">${Equation(String.raw`h = W_0 x + B A x`, {id: "eq-lora", number: 1})}</div>
import {tex} from "./tex.js";

/** KaTeX display math with a "(number)" link to `#id` at the right. */
export function Equation(source, {id, number} = {}) {
  const row = document.createElement("div");
  row.className = "equation-row";
  row.setAttribute("role", "group");
  row.setAttribute("aria-label", `Equation ${number}`);
  const body = tex.block({raw: [source]});
  body.classList.add("equation-body");
  const link = document.createElement("a");
  link.className = "equation-number";
  link.href = `#${id}`;
  link.title = `Link to equation (${number})`;
  link.textContent = `(${number})`;
  row.append(body, link);
  // Cells above this one may still be growing the page when the browser jumps to #eq-…:
  // jump again once the equation is drawn.
  if (location.hash === `#${id}`) requestAnimationFrame(() => document.getElementById(id)?.scrollIntoView());
  return row;
}

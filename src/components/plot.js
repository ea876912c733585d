// Observable Plot as every page and component imports it: the whole library, with
// `plot` giving each mark's <g aria-label="dot"> the role "group". Plot names those
// groups but gives them no role, and ARIA does not allow a name on an element
// without one (axe: aria-prohibited-attr), so screen readers may drop it.
import * as Plot from "../_generated/vendor/plot.js";

export * from "../_generated/vendor/plot.js";

/**
 * Plot.plot(options) with every named mark group given role="group", and a text
 * alternative from the title and axis labels when the chart was given none (a page
 * should still say the finding in its caption or prose).
 */
export function plot(options) {
  const {ariaLabel, title, x, y} = options;
  const named = [title, y?.label && x?.label ? `${y.label} against ${x.label}` : y?.label ?? x?.label].filter((part) => typeof part === "string" && part);
  const chart = Plot.plot(ariaLabel || !named.length ? options : {...options, ariaLabel: `Chart: ${named.join(": ")}`});
  for (const group of chart.querySelectorAll("g[aria-label]:not([role])")) group.setAttribute("role", "group");
  return chart;
}

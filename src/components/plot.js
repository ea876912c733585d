// Observable Plot as every page and component imports it: the whole library, with
// `plot` giving each mark's <g aria-label="dot"> the role "group". Plot names those
// groups but gives them no role, and ARIA does not allow a name on an element
// without one (axe: aria-prohibited-attr), so screen readers may drop it.
import * as Plot from "@observablehq/plot";

export * from "@observablehq/plot";

/** Plot.plot(options) with every named mark group given role="group". */
export function plot(options) {
  const chart = Plot.plot(options);
  for (const group of chart.querySelectorAll("g[aria-label]:not([role])")) group.setAttribute("role", "group");
  return chart;
}

// The site's slider: Inputs.range with a name on the slider itself. Inputs ties its
// <label> to the number box beside the slider only, so screen readers announced the
// slider with no name (axe: label).
import * as Inputs from "@observablehq/inputs";

/** Range(extent, options) -> Inputs.range(extent, options) whose slider is named by the label. */
export function Range(extent, options = {}) {
  const input = Inputs.range(extent, options);
  const name = input.querySelector("label")?.textContent.trim();
  if (name) input.querySelector("input[type=range]").setAttribute("aria-label", name);
  return input;
}

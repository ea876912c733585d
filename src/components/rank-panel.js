// The "Intrinsic rank" page's controls and run glue: four settings, each with its
// message beside it; Run starts lib's rank experiment in a Web Worker
// (rank-worker.ts) through the shared RunBar (run-bar.js): progress, status, and a Stop
// that asks the worker to end between steps. The element's value is {settings,
// problems, live}: `live` holds the results and run time of the last finished
// run (null until then); an `input` event fires on every change.
import {html} from "htl";
import {RunBar} from "./run-bar.js";

const fields = [
  {key: "plantedRank", label: "planted rank k", step: 1, help: "1–16, at most d"},
  {key: "size", label: "layer size d (d × d)", step: 1, help: "4–64"},
  {key: "noise", label: "target noise (std)", step: 0.01, help: "0–1"},
  {key: "seed", label: "seed", step: 1, help: "whole number"}
];

/**
 * Controls plus Run/Stop. `problemsOf(settings)` returns per-field messages;
 * `workerUrl` is rank-worker's address (the page gets it from `import.meta.resolve`,
 * which Framework rewrites to the built file); `invalidation` ends any run.
 */
export function RankPanel({defaults, problemsOf, workerUrl, invalidation}) {
  const inputs = {}, messages = {};
  const rows = fields.map(({key, label, step, help}) => {
    const id = `rank-setting-${key}`;
    inputs[key] = html`<input type="number" id=${id} name=${key} step=${step} value=${defaults[key]} aria-describedby=${`${id}-message`}>`;
    messages[key] = html`<span class="rank-message" id=${`${id}-message`} role="alert"></span>`;
    return html`<div class="rank-setting"><label for=${id}>${label}</label>${inputs[key]}<small>${help}</small>${messages[key]}</div>`;
  });
  // Run trains the settings in a worker; the charts change only when a run finishes.
  const bar = RunBar(async (key, bar) => {
    form.dataset.state = "running";
    bar.status("Starting…");
    let fraction = 0;
    const onProgress = ({done, total, phase}) => bar.status(`Training: ${phase} (${Math.round(100 * (fraction = bar.progress(done / total)))}%)`);
    const result = await bar.run(workerUrl, {settings: form.value.settings}, {onProgress}).catch((error) => ({status: "error", message: error.message}));
    if (result.status === "done") {
      bar.progress(1);
      form.value = {...form.value, live: {results: result.results, elapsedMs: result.elapsedMs}};
      bar.status(`Done in ${(result.elapsedMs / 1000).toFixed(1)} s: the charts below now show this run.`);
      form.dispatchEvent(new Event("input", {bubbles: true}));
    } else if (result.status === "error") {
      bar.status(`The run failed: ${result.message}`);
    } else {
      bar.status(`Stopped at ${Math.round(100 * fraction)}%. The charts keep the previous results.`);
    }
    return (form.dataset.state = result.status);
  }, {name: "rank", invalidation, status: "Showing the build-time run of the defaults. Press Run to train in your browser."});
  const form = html`<form class="rank-panel" data-state="idle" onsubmit=${(event) => event.preventDefault()}>
    <div class="rank-settings">${rows}</div>
    <div class="rank-actions">${bar}</div>
  </form>`;

  const read = () => Object.fromEntries(fields.map(({key}) => [key, inputs[key].value.trim() === "" ? NaN : Number(inputs[key].value)]));
  const update = () => {
    const settings = read();
    const problems = problemsOf(settings);
    for (const {key} of fields) {
      messages[key].textContent = problems[key] ?? "";
      inputs[key].setAttribute("aria-invalid", problems[key] ? "true" : "false");
    }
    form.value = {...form.value, settings, problems};
    bar.block(Object.keys(problems).length > 0);
    form.dispatchEvent(new Event("input", {bubbles: true}));
  };
  for (const input of Object.values(inputs)) input.oninput = update;

  form.value = {settings: read(), problems: {}, live: null};
  update();
  return form;
}

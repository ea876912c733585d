// The "Intrinsic rank" page's controls and run glue: four settings, each with its
// message beside it; Run starts lib's rank experiment in a Web Worker
// (rank-worker.ts, through the shared worker-run.js) with a progress bar; Stop
// asks the worker to end between steps. The element's value is {settings,
// problems, live}: `live` holds the results and run time of the last finished
// run (null until then); an `input` event fires on every change.
import {html} from "htl";
import {startRun} from "./worker-run.js";

const fields = [
  {key: "rank", label: "planted rank k", step: 1, help: "1–16, at most d"},
  {key: "size", label: "layer size d (d × d)", step: 1, help: "4–64"},
  {key: "noise", label: "target noise (std)", step: 0.01, help: "0–1"},
  {key: "seed", label: "seed", step: 1, help: "whole number"}
];

/**
 * Controls plus Run/Stop. `problemsOf(settings)` returns per-field messages;
 * `workerUrl` is rank-worker's address (the page gets it from `import.meta.resolve`,
 * which Framework rewrites to the built file); `invalidation` ends any run.
 */
export function rankPanel({defaults, problemsOf, workerUrl, invalidation}) {
  const inputs = {}, messages = {};
  const rows = fields.map(({key, label, step, help}) => {
    const id = `rank-setting-${key}`;
    inputs[key] = html`<input type="number" id=${id} name=${key} step=${step} value=${defaults[key]} aria-describedby=${`${id}-message`}>`;
    messages[key] = html`<span class="rank-message" id=${`${id}-message`} role="alert"></span>`;
    return html`<div class="rank-setting"><label for=${id}>${label}</label>${inputs[key]}<small>${help}</small>${messages[key]}</div>`;
  });
  const run = html`<button type="button" class="rank-run">Run</button>`;
  const stop = html`<button type="button" class="rank-stop" disabled>Stop</button>`;
  const progress = html`<progress class="rank-progress" max="1" value="0" aria-label="training progress"></progress>`;
  const status = html`<span class="rank-status" role="status">Showing the build-time run of the defaults. Press Run to train in your browser.</span>`;
  const form = html`<form class="rank-panel" data-state="idle" onsubmit=${(event) => event.preventDefault()}>
    <div class="rank-settings">${rows}</div>
    <div class="rank-actions">${run} ${stop} ${progress} ${status}</div>
  </form>`;

  let current = null; // the run in progress, from startRun
  const read = () => Object.fromEntries(fields.map(({key}) => [key, inputs[key].value.trim() === "" ? NaN : Number(inputs[key].value)]));
  const setState = (state, text) => {
    form.dataset.state = state;
    status.textContent = text;
    run.disabled = state === "running" || Object.keys(form.value.problems).length > 0;
    stop.disabled = state !== "running";
  };
  const update = () => {
    const settings = read();
    const problems = problemsOf(settings);
    for (const {key} of fields) {
      messages[key].textContent = problems[key] ?? "";
      inputs[key].setAttribute("aria-invalid", problems[key] ? "true" : "false");
    }
    form.value = {...form.value, settings, problems};
    run.disabled = form.dataset.state === "running" || Object.keys(problems).length > 0;
    form.dispatchEvent(new Event("input", {bubbles: true}));
  };
  run.onclick = async () => {
    current?.terminate();
    progress.value = 0;
    setState("running", "Starting…");
    const onProgress = ({done, total, phase}) => {
      progress.value = done / total;
      status.textContent = `Training: ${phase} (${Math.round(100 * progress.value)}%)`;
    };
    const thisRun = (current = startRun(workerUrl, {settings: form.value.settings}, {onProgress}));
    try {
      const result = await thisRun.done;
      if (current !== thisRun) return; // superseded by a newer run
      if (result.status === "done") {
        progress.value = 1;
        form.value = {...form.value, live: {results: result.results, elapsedMs: result.elapsedMs}};
        setState("done", `Done in ${(result.elapsedMs / 1000).toFixed(1)} s: the charts below now show this run.`);
        form.dispatchEvent(new Event("input", {bubbles: true}));
      } else if (result.status === "error") {
        setState("error", `The run failed: ${result.message}`);
      } else {
        setState("stopped", `Stopped at ${Math.round(100 * progress.value)}%. The charts keep the previous results.`);
      }
    } catch (error) {
      if (current === thisRun) setState("error", `The run failed: ${error.message}`);
    }
  };
  stop.onclick = () => current?.stop();
  for (const input of Object.values(inputs)) input.oninput = update;
  invalidation?.then(() => current?.terminate());

  form.value = {settings: read(), problems: {}, live: null};
  update();
  return form;
}

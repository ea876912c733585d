// Live reruns of the Variants comparison: one Web Worker per run, all started together
// (the browser spreads them over its cores), with Run / Stop and a progress bar. The element's
// value is {status, runs}, runs keyed "<method>@<rank>" with their curve so far and, once
// finished, their result; it emits "input" on every update so charts redraw as runs go.
import {html} from "htl";
import {startRun} from "./worker-run.js";

/** Run/Stop for `specs()` (called at Run time), each in its own worker on `files`. */
export function VariantsRerun({specs, files, workerUrl, id = "variants"}, {invalidation} = {}) {
  const run = html`<button id=${`${id}-run`}>Run live</button>`;
  const stop = html`<button id=${`${id}-stop`} disabled>Stop</button>`;
  const bar = html`<progress value="0" max="1"></progress>`;
  const status = html`<span id=${`${id}-status`} data-status="idle" aria-live="polite">Showing the build-time runs.</span>`;
  const element = html`<div class="variants-rerun">${run} ${stop} ${bar} ${status}</div>`;
  element.value = {status: "idle", runs: {}};
  let active = [];
  const update = () => element.dispatchEvent(new Event("input", {bubbles: true}));
  run.onclick = async () => {
    const list = specs();
    const runs = Object.fromEntries(list.map((s) => [`${s.id}@${s.rank}`, {spec: s, curve: [], step: 0, result: null}]));
    element.value = {status: "running", runs};
    run.disabled = true, stop.disabled = false;
    status.dataset.status = "running";
    status.textContent = `running ${list.length} runs in ${list.length} workers…`;
    const started = performance.now();
    const total = list.reduce((n, s) => n + s.steps, 0);
    active = list.map((spec) => startRun(workerUrl, {spec, files}, {
      stopTimeout: 3000,
      onProgress: ({id: method, rank, step, points}) => {
        const entry = runs[`${method}@${rank}`];
        entry.curve.push(...points);
        entry.step = step;
        bar.value = Object.values(runs).reduce((n, r) => n + r.step, 0) / total;
        update();
      }
    }));
    invalidation?.then(() => active.forEach((job) => job.terminate()));
    const outcomes = await Promise.allSettled(active.map((job) => job.done));
    outcomes.forEach((o, i) => (runs[`${list[i].id}@${list[i].rank}`].result = o.status === "fulfilled" ? o.value : {status: "error", error: o.reason.message}));
    const failed = outcomes.find((o) => o.status === "rejected") ?? outcomes.find((o) => o.value?.status === "error");
    const stopped = outcomes.some((o) => o.status === "fulfilled" && o.value.status === "stopped");
    const final = failed ? "error" : stopped ? "stopped" : "done";
    status.dataset.status = final;
    status.dataset.wallMs = (performance.now() - started).toFixed(0);
    status.textContent = failed
      ? `Error: ${failed.reason?.message ?? failed.value.error}`
      : `${stopped ? "Stopped" : "Done"}: ${list.length} runs in ${((performance.now() - started) / 1000).toFixed(1)} s.`;
    element.value = {status: final, runs};
    run.disabled = false, stop.disabled = true;
    update();
  };
  stop.onclick = () => active.forEach((job) => job.stop());
  return element;
}

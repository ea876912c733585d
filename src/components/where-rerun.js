// Live reruns of the "Where to put LoRA" plan: the chosen runs are dealt round-robin
// to navigator.hardwareConcurrency − 1 Web Workers (at least one), each with its own
// progress bar; Stop asks all of them to end. Each finished run appears at once in a
// table beside the build-time loss of the same run id (same code, same seed).
import {html} from "htl";
import {startRun} from "./worker-run.js";

/**
 * Run/Stop, a progress bar per worker and the live results; `runs` are planned runs, `build` maps
 * id -> build-time loss, `files()` resolves to what a worker needs ({config, base, text, split}):
 * it is called on the first Run, so the base weights are not fetched with the page.
 */
export function WhereRerun({runs, build, files, workerUrl, label = (id) => id}, {invalidation} = {}) {
  let loading = null;
  const count = Math.max(1, Math.min(runs.length, (navigator.hardwareConcurrency || 2) - 1));
  const shares = Array.from({length: count}, (_, w) => runs.filter((_, i) => i % count === w));
  const bars = shares.map((share) => html`<progress max=${share.length} value="0"></progress>`);
  const status = html`<span id="where-status" data-status="idle" aria-live="polite">${runs.length} runs ready, ${count} worker${count > 1 ? "s" : ""}.</span>`;
  const body = html`<tbody>`;
  const run = html`<button id="where-run" disabled=${runs.length === 0}>Run ${runs.length} live</button>`;
  const stop = html`<button id="where-stop" disabled>Stop</button>`;
  let active = [];
  const addRow = ({id, loss, ms}) => {
    const before = build.get(id);
    body.append(html`<tr data-run=${id} data-live-loss=${loss} data-build-loss=${before ?? ""}>
      <td>${label(id)}</td><td>${loss.toFixed(4)}</td><td>${before === undefined ? "—" : before.toFixed(4)}</td>
      <td>${before === undefined ? "—" : (loss - before).toExponential(1)}</td><td>${(ms / 1000).toFixed(1)} s</td></tr>`);
  };
  run.onclick = async () => {
    body.replaceChildren();
    run.disabled = true, stop.disabled = false;
    status.dataset.status = "running";
    status.textContent = "running…";
    const started = performance.now();
    let inputs;
    try {
      inputs = await (loading ??= files());
    } catch (error) {
      loading = null; // the next Run tries again
      status.dataset.status = "error";
      status.textContent = `Error: the model's files could not be loaded (${error.message}).`;
      run.disabled = false, stop.disabled = true;
      return;
    }
    active = shares.map((share, w) => startRun(workerUrl, {...inputs, runs: share.map(({id, setup}) => ({id, setup}))}, {
      stopTimeout: 3000,
      onProgress: (message) => {
        bars[w].value = message.finished + message.step / message.steps;
        message.results.forEach(addRow);
      }
    }));
    invalidation?.then(() => active.forEach((job) => job.terminate()));
    const outcomes = await Promise.allSettled(active.map((job) => job.done));
    const errorOf = (o) => (o.status === "rejected" ? o.reason.message : o.value.status === "error" ? o.value.error : null);
    const failed = outcomes.map(errorOf).find((e) => e);
    const stopped = outcomes.some((o) => o.status === "fulfilled" && o.value.status === "stopped");
    const wallMs = performance.now() - started;
    status.dataset.status = failed ? "error" : stopped ? "stopped" : "done";
    status.dataset.wallMs = wallMs.toFixed(0);
    status.textContent = failed ? `Error: ${failed}` : `${stopped ? "Stopped" : "Done"}: ${body.children.length} of ${runs.length} runs in ${(wallMs / 1000).toFixed(1)} s on ${count} worker${count > 1 ? "s" : ""}.`;
    run.disabled = false, stop.disabled = true;
  };
  stop.onclick = () => active.forEach((job) => job.stop());
  return html`<div class="where-rerun">
    <div>${run} ${stop} ${status}</div>
    <div class="where-bars">${bars.map((bar, w) => html`<label>worker ${w + 1} ${bar}</label>`)}</div>
    <table><thead><tr><th>run</th><th>live loss</th><th>build-time loss</th><th>difference</th><th>time</th></tr></thead>${body}</table>
  </div>`;
}

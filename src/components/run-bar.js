// The run bar every experiment page shares: Run (and any other run buttons), Stop, a
// progress bar and a status line, for workers that speak worker-run.js's protocol
// (serveExperiment on the worker side). The page says what a click does:
// `onRun(key, bar)` is an async function that runs one or more workers through
// `bar.run(workerUrl, input, {onProgress})` and returns the bar's final state
// ("done", "stopped" or "error"; "done" if it returns nothing). While it runs, the
// run buttons are disabled and Stop asks the current worker to finish early and sets
// `bar.stopped`, so a queue of runs ends too. The bar's `data-state` says where it is.
import {html} from "htl";
import {startRun} from "./worker-run.js";

/** Run / Stop / progress / status; `name` prefixes each part's id and class ("lab" → #lab-run and .lab-run). */
export function RunBar(onRun, {name, actions = [{key: "run", label: "Run"}], status = "Ready.", invalidation} = {}) {
  const part = (key) => `${name}-${key}`;
  const runButtons = actions.map(({key, label, title}) => html`<button type="button" id=${part(key)} class=${part(key)} title=${title}>${label}</button>`);
  const stopButton = html`<button type="button" id=${part("stop")} class=${part("stop")} disabled>Stop</button>`;
  const progress = html`<progress id=${part("progress")} class=${part("progress")} value="0" max="1" aria-label="progress of the run"></progress>`;
  const statusLine = html`<span id=${part("status")} class=${part("status")} role="status" aria-live="polite">${status}</span>`;
  const bar = html`<div class=${`run-bar ${part("runbar")}`} data-state="idle">${runButtons}${stopButton}${progress}${statusLine}</div>`;
  let active = null, blocked = false;
  const sync = () => {
    const running = bar.dataset.state === "running";
    for (const button of runButtons) button.disabled = running || blocked;
    stopButton.disabled = !running;
  };

  Object.assign(bar, {
    stopped: false,
    /** Shows `text` on the status line. */
    status: (text) => void (statusLine.textContent = text),
    /** Sets the progress bar to `fraction` (0–1) and returns it. */
    progress: (fraction) => (progress.value = fraction),
    /** Disables Run while `value` is true (a setting is invalid); a run in progress is unaffected. */
    block: (value) => ((blocked = value), sync()),
    /** Runs one job in a fresh worker (startRun's options); resolves with its result. */
    async run(workerUrl, input, options) {
      active = startRun(workerUrl, input, options);
      try {
        return await active.done;
      } finally {
        active = null;
      }
    }
  });

  const start = async (key) => {
    // A disabled button drops keyboard focus to <body>: move it to Stop while running, back to Run after.
    const hadFocus = bar.contains(document.activeElement);
    bar.stopped = false;
    progress.value = 0;
    bar.dataset.state = "running";
    sync();
    if (hadFocus) stopButton.focus();
    try {
      bar.dataset.state = (await onRun(key, bar)) ?? "done";
    } catch (error) {
      bar.dataset.state = "error";
      bar.status(`The run failed: ${error.message}`);
    }
    sync();
    if (hadFocus || document.activeElement === document.body) runButtons[0].focus();
  };
  runButtons.forEach((button, i) => (button.onclick = () => start(actions[i].key)));
  stopButton.onclick = () => {
    bar.stopped = true;
    active?.stop();
    bar.status("Stopping…");
  };
  invalidation?.then(() => active?.terminate());
  return bar;
}

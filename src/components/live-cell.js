// A live cell: an editor holding a cell's code, Run / Stop / Reset / Copy link, and
// the output of the code run in a sandboxed Web Worker with lib in scope as `lora`.
//   display(LiveCell({id: "merge", title: "ΔW and the merge", code: `return 1 + 1;`}, {invalidation}));
// The reader's edits are kept per page and cell id in localStorage, so ids must be
// unique on the page and never change. Code from a link is shown but never run
// until the reader presses Run. Nothing runs on load unless `autorun` is set.
// The CodeMirror editor (~0.5 MB with its JavaScript grammar) is imported when the
// reader first focuses or clicks the code, not with the page: until then the code
// sits in a plain focusable <pre>, and Run works on it as it is.
import {renderMessage, warmPlot} from "./live-cell-output.js";
import {BUDGET} from "./live-cell-budget.js";
import {TIME_LIMIT, parseTimeLimit, runCell} from "./live-cell-runner.js";
import {cellLink, loadEdit, markRunning, pagePath, saveEdit, storageKey, takeLinkedCode, takeUnendedRun} from "./live-cell-store.js";
import {addLiveCellStyle} from "./live-cell-style.js";

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

const seconds = (ms) => (ms / 1000).toFixed(1) + " s";

const SLICE_MS = 8; // drawing outputs yields to the page after this long, so no task blocks it near 50 ms

/**
 * Draws outputs into `parent` a slice at a time, within the run's budgets: past
 * BUDGET.outputs (or BUDGET.plots) outputs it counts the rest and says so at the end.
 * Returns {push(message), finish(), cancel()}; `render` turns a message into a node (or null).
 */
function outputQueue(parent, render) {
  const queue = [];
  let scheduled = false, shown = 0, plots = 0, cutOutputs = 0, cutPlots = 0, finished = false, cancelled = false;
  const drain = () => {
    scheduled = false;
    if (cancelled) return;
    const started = performance.now();
    let drawn = 0;
    while (queue.length && performance.now() - started < SLICE_MS) {
      // A plot takes one Plot render (~25 ms for 500 dots): it starts a task of its own
      // rather than finishing one already spent on console lines.
      if (drawn > 0 && queue[0].type === "plot") break;
      const node = render(queue.shift());
      drawn++;
      if (node) parent.append(node);
    }
    if (queue.length) schedule();
    else if (finished) {
      if (cutPlots) parent.append(render({type: "cut", kind: "plots", count: cutPlots}));
      if (cutOutputs) parent.append(render({type: "cut", kind: "outputs", count: cutOutputs}));
      cutPlots = cutOutputs = 0;
    }
  };
  const schedule = () => {
    if (!scheduled) (scheduled = true, setTimeout(drain, 0));
  };
  return {
    push(message) {
      if (message.type === "plot" && ++plots > BUDGET.plots) return void cutPlots++;
      if (message.type !== "cut" && ++shown > BUDGET.outputs) return void cutOutputs++;
      queue.push(message);
      schedule();
    },
    finish() {
      finished = true;
      schedule();
    },
    cancel() {
      cancelled = true;
      queue.length = 0;
    }
  };
}

/**
 * A live cell for `code` (its original), stored under `id` (letters, digits, "-").
 * Options: timeLimit in seconds (default 10, the reader can change it), autorun
 * (run the original code on load; default false), invalidation (a promise: stop on it).
 * The element's `value` is the code now in the editor.
 */
export function LiveCell({id, code, title = ""}, {timeLimit = 10, autorun = false, invalidation} = {}) {
  if (!/^[\w-]+$/.test(id ?? "")) throw new Error(`LiveCell: id must be letters, digits, "-" or "_", got ${JSON.stringify(id)}`);
  addLiveCellStyle();
  const original = code.trim();
  const key = storageKey(pagePath(), id);
  const linked = takeLinkedCode(id);
  let current = linked ?? loadEdit(key) ?? original;
  let run = null; // the run in progress: {stop, done}
  let outputs = null; // the outputs being drawn (they may still be drawing after the run ends)
  let countdown;

  const status = element("span", {class: "live-cell-status", role: "status"});
  const limitInput = element("input", {type: "number", min: TIME_LIMIT.min, max: TIME_LIMIT.max, step: 1, value: timeLimit, "aria-label": "time limit in seconds",
    oninput: () => limitInput.removeAttribute("aria-invalid")});
  const runButton = element("button", {class: "live-cell-run", title: "Run (Shift+Enter)", onclick: () => start()}, "Run");
  const stopButton = element("button", {class: "live-cell-stop", disabled: "", onclick: () => run?.stop()}, "Stop");
  const resetButton = element("button", {class: "live-cell-reset", onclick: () => (confirmBar.hidden = false, confirmBar.querySelector("button").focus())}, "Reset");
  const edited = element("span", {class: "live-cell-edited"}, "edited — ", resetButton);
  const copyButton = element("button", {class: "live-cell-copy", onclick: () => copyLink()}, "Copy link");
  const confirmBar = element("div", {class: "live-cell-bar live-cell-confirm", role: "alertdialog", "aria-label": "Discard your edits?"},
    "Discard your edits and restore the original code?",
    element("button", {class: "live-cell-confirm-reset", onclick: () => reset()}, "Discard edits"),
    element("button", {onclick: () => (confirmBar.hidden = true)}, "Keep them"));
  const linkNotice = element("div", {class: "live-cell-bar live-cell-link-notice"},
    "Code from a link — press Run to execute it.",
    element("button", {onclick: () => (replaceCode(loadEdit(key) ?? original), linkNotice.hidden = true)}, "Discard it"));
  const linkField = element("input", {readonly: "", "aria-label": "link to this cell's code", onfocus: (event) => event.target.select()});
  const linkBar = element("div", {class: "live-cell-bar live-cell-share"}, element("span", {class: "live-cell-share-status"}), linkField);
  const output = element("div", {class: "live-cell-output"}, element("div", {class: "live-cell-hint"}, "Press Run (or Shift+Enter in the editor) to run this code."));
  const editorParent = element("div", {class: "live-cell-editor"});
  // Tab indents inside the editor, so say how to leave it (CodeMirror's tab-focus mode: Esc, then Tab).
  const keysHint = element("div", {class: "live-cell-keys", id: `cell-${id}-keys`}, "Tab indents here. To leave the editor by keyboard, press Esc, then Tab.");
  confirmBar.hidden = linkBar.hidden = true;
  linkNotice.hidden = linked === null;

  const root = element("section", {class: "live-cell", id: `cell-${id}`, "data-cell-id": id},
    title ? element("div", {class: "live-cell-title"}, title) : "",
    linkNotice, editorParent, keysHint,
    element("div", {class: "live-cell-toolbar"}, runButton, stopButton, status,
      element("label", {class: "live-cell-limit"}, "limit ", limitInput, " s"),
      element("span", {class: "live-cell-spacer"}), edited, copyButton),
    confirmBar, linkBar, output);

  const label = `Code of the live cell${title ? ` “${title}”` : ""}; Shift+Enter runs it`;
  const onChange = (code) => {
    current = code;
    saveEdit(key, code, original);
    showEdited();
  };
  // Until the editor is loaded: the code as text, focusable, and named as the editor will be.
  const preview = element("pre", {class: "live-cell-preview", tabindex: "0", role: "textbox", "aria-multiline": "true", "aria-label": label, "aria-describedby": keysHint.id,
    onfocus: () => openEditor(), onpointerdown: () => openEditor()}, current);
  editorParent.append(preview);
  let editor = null; // {view, setCode} once CodeMirror has loaded
  let opening = null;
  function openEditor() {
    opening ??= import("./live-cell-editor.js").then(({createEditor, setCode}) => {
      const hadFocus = preview.contains(document.activeElement);
      preview.remove();
      editor = {view: createEditor(editorParent, current, {label, describedBy: keysHint.id, onRun: () => start(), onChange}), setCode};
      if (hadFocus) editor.view.focus();
    }).catch((error) => {
      opening = null; // the next focus tries again
      status.textContent = `The editor could not load (${error.message}); Run still runs the code shown.`;
    });
    return opening;
  }
  /** Replaces the code (Reset, discarding a link's code), in the editor if it has loaded. */
  const replaceCode = (code) => {
    if (editor) return editor.setCode(editor.view, code); // its change listener calls onChange
    preview.textContent = code;
    onChange(code);
  };
  const showEdited = () => (edited.hidden = current === original);
  const unended = takeUnendedRun(key);
  if (unended) status.textContent = "The last run of this cell never ended: the tab closed or crashed while it ran, perhaps because the code filled the memory (a cell cannot measure its own). Your code is kept; check its loops before running it again.";
  const leave = () => run && markRunning(key, false); // a normal exit is not a crash
  addEventListener("pagehide", leave);
  Object.defineProperty(root, "value", {get: () => current}); // the code in the editor, as inputs expose .value
  showEdited();

  function start() {
    // A number field reports "" for text it cannot parse ("abc"), so read what was typed where possible.
    const limitSeconds = parseTimeLimit(limitInput.validity.badInput ? "not a number" : limitInput.value);
    if (limitSeconds instanceof Error) {
      limitInput.setAttribute("aria-invalid", "true");
      status.textContent = `Not run: ${limitSeconds.message}.`;
      limitInput.focus();
      return;
    }
    run?.stop();
    outputs?.cancel();
    const code = current;
    const limit = limitSeconds * 1000;
    if (!linkNotice.hidden) saveEdit(key, code, original); // running linked code adopts it, so a reload keeps it
    linkNotice.hidden = true;
    output.replaceChildren();
    runButton.textContent = "Run again";
    stopButton.disabled = false;
    status.textContent = "Starting…";
    const width = output.clientWidth || 640; // measured once: reading layout per output would force a reflow each time
    outputs = outputQueue(output, (message) => {
      try {
        return renderMessage(message, {code, width});
      } catch (error) {
        return renderMessage({type: "error", name: error.name, message: `could not draw this output: ${error.message}`}, {code});
      }
    });
    const thisOutputs = outputs;
    setTimeout(warmPlot, 0); // while the worker loads lib, so the first plot draws fast
    const onMessage = (message) => {
      thisOutputs.push(message);
      // Exercises listen for the returned value (as the worker described it) to check it.
      if (message.type === "result") root.dispatchEvent(new CustomEvent("result", {detail: message.value}));
    };
    markRunning(key, true);
    const thisRun = (run = runCell(code, {timeLimit: limit, onMessage, onStart: (startedAt) => {
      clearInterval(countdown);
      const tick = () => (status.textContent = `Running… ${seconds(performance.now() - startedAt)} of ${seconds(limit)}`);
      tick();
      countdown = setInterval(tick, 100);
    }}));
    thisRun.done.then(({outcome, detail, elapsed}) => {
      if (run !== thisRun) return; // a newer run replaced this one
      markRunning(key, false);
      thisOutputs.finish();
      clearInterval(countdown);
      run = null;
      stopButton.disabled = true;
      status.textContent = {
        done: `Done in ${seconds(elapsed)}.`,
        stopped: `Stopped after ${seconds(elapsed)}.`,
        timeout: `Stopped: the ${seconds(limit)} time limit ran out (raise it beside Run).`,
        crashed: `The sandbox failed: ${detail}.`
      }[outcome];
    });
  }

  function reset() {
    confirmBar.hidden = true;
    replaceCode(original);
    saveEdit(key, original, original);
    (editor?.view ?? preview).focus();
  }

  async function copyLink() {
    const link = cellLink(id, current);
    linkField.value = link;
    linkBar.hidden = false;
    const copied = await navigator.clipboard?.writeText(link).then(() => true, () => false);
    linkBar.querySelector(".live-cell-share-status").textContent = copied ? "Link copied:" : "Copy this link:";
    if (!copied) linkField.focus();
  }

  invalidation?.then(() => {
    removeEventListener("pagehide", leave);
    markRunning(key, false);
    run?.stop();
    editor?.view.destroy();
  });
  if (autorun && linked === null && current === original && !unended) start();
  return root;
}

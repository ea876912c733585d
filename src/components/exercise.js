// An exercise's check: the question, hints and solution are the page's markdown
// (<details> reveal them on request); this is the part that answers back.
//   Exercise({id: "break-even", kind: "number", answer: 384})                       a number by hand
//   Exercise({id: "step-zero", kind: "predict", choices: [...], actual: "exactly 0"}) predict, then see
//   Exercise({id: "merged", kind: "code", cell: LiveCell(...), check: (value) => …})  a live cell's result
// A solved exercise is remembered in localStorage (exercise:<page>:<id>), so progress survives a reload.
import {html} from "htl";
import {pagePath} from "./page-path.js";

const store = {
  get: (key) => { try { return JSON.parse(localStorage.getItem(key)); } catch { return null; } },
  set: (key, value) => { try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* private mode: progress is not kept */ } }
};

/** Reads "4,096", "4 096", "1.5e3" or "25%" as a number; null when it is not one. */
export function readNumber(text) {
  const clean = String(text).trim().replace(/[,\s_]/g, "");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?%?$/i.test(clean)) return null;
  return clean.endsWith("%") ? Number(clean.slice(0, -1)) / 100 : Number(clean);
}

/** Whether a live cell's described result is the Matrix `expected`, entry by entry within `tolerance`. */
export function sameMatrix(described, expected, tolerance = 1e-4) {
  if (described?.kind !== "matrix") return {ok: false, message: `Return a Matrix (got ${described?.kind ?? "nothing"}).`};
  if (described.rows !== expected.rows || described.cols !== expected.cols) return {ok: false, message: `Wrong shape: ${described.rows} × ${described.cols}, expected ${expected.rows} × ${expected.cols}.`};
  let worst = 0;
  described.values.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - expected.data[i * expected.cols + j])))));
  return worst <= tolerance
    ? {ok: true, message: `Right: every entry matches lib's answer (largest difference ${worst.toExponential(1)}).`}
    : {ok: false, message: `Not yet: an entry differs from lib's answer by ${worst.toPrecision(3)}.`};
}

/** A checked exercise: kind "number" (answer ± tolerance), "predict" (choices, then the actual result) or "code" (a live cell's result). */
export function Exercise({id, kind, answer, tolerance = 0, unit = "", choices = [], actual, cell, check}) {
  const key = `exercise:${pagePath()}:${id}`;
  const feedback = html`<p class="exercise-feedback" role="status" aria-live="polite"></p>`;
  const root = html`<div class="exercise-check" id=${`exercise-${id}`} data-kind=${kind} data-state="open"></div>`;
  const settle = (ok, message, saved) => {
    root.dataset.state = ok ? "solved" : "wrong";
    feedback.textContent = message;
    if (ok) store.set(key, {solved: true, ...saved});
  };
  if (kind === "number") {
    const input = html`<input class="exercise-answer" type="text" inputmode="decimal" aria-label="your answer" size="14">`;
    const submit = () => {
      const value = readNumber(input.value);
      if (value === null) return (root.dataset.state = "open", feedback.textContent = `Enter a number, such as ${answer.toLocaleString("en-US")} or 1.5e3.`);
      const ok = Math.abs(value - answer) <= tolerance;
      settle(ok, ok ? `Right: ${answer.toLocaleString("en-US")}${unit}.` : `Not quite: ${value.toLocaleString("en-US")}${unit} is off. Try again, or open the hint.`, {answer: input.value});
    };
    input.onkeydown = (event) => event.key === "Enter" && submit();
    root.append(html`<label>Your answer ${input}${unit}</label> `, html`<button type="button" class="exercise-submit">Check</button>`, feedback);
    root.querySelector("button").onclick = submit;
    const saved = store.get(key);
    if (saved?.solved) (input.value = saved.answer, submit());
  } else if (kind === "predict") {
    const name = `exercise-${id}-choice`;
    const form = html`<fieldset class="exercise-choices"><legend>Your prediction</legend>${choices.map((choice) => html`<label><input type="radio" name=${name} value=${choice}> ${choice}</label>`)}</fieldset>`;
    const submit = async () => {
      const picked = form.querySelector("input:checked")?.value;
      if (!picked) return (feedback.textContent = "Pick one first: the point is to commit before you see the result.");
      const result = await actual;
      settle(true, `${picked === result ? "Your prediction was right" : `You predicted “${picked}”`}: the page computed “${result}”.`, {picked});
      root.dataset.predicted = picked === result ? "right" : "wrong";
    };
    root.append(form, html`<button type="button" class="exercise-submit">Lock in and run</button>`, feedback);
    root.querySelector("button").onclick = submit;
    const saved = store.get(key);
    if (saved?.solved) (form.querySelector(`input[value="${CSS.escape(saved.picked)}"]`).checked = true, submit());
  } else if (kind === "code") {
    cell.addEventListener("result", async (event) => {
      try {
        const {ok, message} = await check(event.detail);
        settle(ok, message, {});
      } catch (error) {
        settle(false, `Could not check this result: ${error.message}`, {});
      }
    });
    root.append(cell, feedback);
    if (store.get(key)?.solved) feedback.textContent = "Solved before in this browser. Run it again to re-check.";
  } else {
    throw new Error(`Exercise ${id}: kind must be "number", "predict" or "code", got ${JSON.stringify(kind)}`);
  }
  return root;
}

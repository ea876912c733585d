// The lab's settings form. Like an Observable input: `.value` is the whole setup
// (a LabSetup from lib/site/lab) and it emits "input" when anything changes; switching
// the task resets every field to that task's defaults. `showErrors(errors)` puts
// each field's message (from validateSetup) right beside that field.
import {html} from "htl";
import {isLoRAMethod, methods} from "../_generated/lib/site/index.js";

const labels = {
  task: "Task", method: "Method", rank: "Rank r", alpha: "α", scaling: "Scaling", targets: "Target layers",
  dropout: "LoRA dropout", init: "Init of A", lr: "Learning rate", steps: "Steps", batchSize: "Batch size", seed: "Seed"
};
const loraOnly = new Set(["rank", "alpha", "scaling", "targets", "dropout", "init"]);

/** LabControls(setup, {tasks}) -> a form element whose value is the setup. */
export function LabControls(initial, {tasks}) {
  let setup = {...initial, targets: [...initial.targets]};
  const form = html`<form class="lab-controls" onsubmit=${(event) => event.preventDefault()}></form>`;

  // Each single control has an id its <label> points at; a group of radios or checkboxes
  // is a role="group" named by its heading (a <label> may name one control only).
  const select = (field, options) => html`<select name=${field} id=${`lab-${field}`}>${options.map(([value, text]) => html`<option value=${value} selected=${String(setup[field]) === String(value)}>${text}</option>`)}</select>`;
  const number = (field, attributes = {}) => html`<input name=${field} id=${`lab-${field}`} type="number" step="any" value=${setup[field]} ${attributes}>`;
  const field = (name, control, note = "") => {
    const text = html`${labels[name]}${note ? html` <span class="lab-note">${note}</span>` : ""}`;
    const single = control.matches("input, select");
    if (!single) control.setAttribute("role", "group"), control.setAttribute("aria-labelledby", `lab-label-${name}`);
    return html`<div class="lab-field" data-field=${name}>
    ${single ? html`<label for=${`lab-${name}`}>${text}</label>` : html`<div class="lab-label" id=${`lab-label-${name}`}>${text}</div>`}${control}<div class="lab-error" data-error-for=${name}></div></div>`;
  };

  function render() {
    const task = tasks[setup.task];
    const adaptable = task.layers.filter((l) => !(task.newHead && l.name === task.head));
    form.replaceChildren(
      field("task", select("task", Object.values(tasks).map((t) => [t.id, t.title]))),
      field("method", html`<div class="lab-radios">${methods.map(({id: value, label: text}) =>
        html`<label><input type="radio" name="method" value=${value} checked=${setup.method === value}> ${text}</label>`)}</div>`),
      field("targets", html`<div class="lab-checks">${adaptable.map((l) =>
        html`<label title=${l.role}><input type="checkbox" name="targets" value=${l.name} checked=${setup.targets.includes(l.name)}> ${l.name} <span class="lab-note">${l.out}×${l.in}</span></label>`)}</div>`,
        task.newHead ? `the new head ${task.head} is always trained` : ""),
      field("rank", number("rank", {min: 1, step: 1})),
      field("alpha", number("alpha")),
      field("scaling", select("scaling", [["alpha/r", "α / r (paper)"], ["alpha/sqrt-r", "α / √r (rsLoRA)"]])),
      field("dropout", number("dropout", {min: 0, max: 0.9, step: 0.05})),
      field("init", select("init", [["paper", "paper: Gaussian"], ["peft", "PEFT: Kaiming-uniform"], ["gaussian", "Gaussian, std 1/r"]])),
      field("lr", number("lr")),
      field("steps", number("steps", {step: 1})),
      field("batchSize", number("batchSize", {step: 1})),
      field("seed", number("seed", {step: 1}))
    );
    syncDisabled();
  }

  function syncDisabled() {
    for (const element of form.querySelectorAll(".lab-field")) {
      const disabled = loraOnly.has(element.dataset.field) && !isLoRAMethod(setup.method);
      element.classList.toggle("lab-disabled", disabled);
      for (const input of element.querySelectorAll("input, select")) input.disabled = disabled;
    }
  }

  function read() {
    const get = (name) => form.elements.namedItem(name);
    const num = (name) => (get(name).value.trim() === "" ? NaN : Number(get(name).value));
    setup = {
      task: get("task").value,
      method: form.querySelector("input[name=method]:checked")?.value ?? methods[0].id,
      rank: num("rank"),
      alpha: num("alpha"),
      scaling: get("scaling").value,
      targets: [...form.querySelectorAll("input[name=targets]:checked")].map((input) => input.value),
      dropout: num("dropout"),
      init: get("init").value,
      lr: num("lr"),
      steps: num("steps"),
      batchSize: num("batchSize"),
      seed: num("seed")
    };
  }

  // Capture phase: the setup is updated before the native "input" event bubbles on
  // to the form's listeners (view() reads .value there).
  form.addEventListener("input", (event) => {
    if (event.target?.name === "task") {
      const {defaults} = tasks[event.target.value];
      const hadFocus = document.activeElement === event.target;
      setup = {...defaults, targets: [...defaults.targets]};
      render();
      // render() replaced the select the reader was on (arrow keys change it in place): keep focus there, not on <body>.
      if (hadFocus) form.elements.namedItem("task").focus();
    } else {
      read();
      syncDisabled();
    }
  }, {capture: true});

  Object.defineProperty(form, "value", {get: () => ({...setup, targets: [...setup.targets]})});

  /** Shows each field's message (or clears it); returns how many fields are wrong. */
  form.showErrors = (errors) => {
    for (const slot of form.querySelectorAll(".lab-error")) {
      const message = errors[slot.dataset.errorFor] ?? "";
      slot.textContent = message;
      slot.closest(".lab-field").classList.toggle("lab-invalid", message !== "");
    }
    return Object.keys(errors).length;
  };

  render();
  return form;
}

// The live cell's stylesheet, added to <head> once by the first cell on a page.
// Only the site's theme variables are used, so light and dark follow the page.
const css = `
.live-cell { margin: 1.5rem 0; max-width: 960px; }
.live-cell [hidden] { display: none !important; }
.live-cell-title { font-weight: 600; margin-bottom: 0.25rem; }
.live-cell-editor { border: 1px solid var(--theme-foreground-faintest); border-radius: 4px; overflow: hidden; }
.live-cell-editor .cm-editor { max-height: 32rem; }
/* The code before CodeMirror loads, laid out like the editor (its gutter included) so nothing jumps when it arrives. */
.live-cell-preview { margin: 0; padding: 4px 2px 4px 2.4rem; max-height: 32rem; overflow: auto; white-space: pre-wrap; font: 14px/1.5 var(--monospace); color: var(--theme-foreground); background: var(--theme-background-alt); cursor: text; }
.live-cell-preview:focus { outline: 2px solid var(--theme-foreground-focus); }
.live-cell-keys { color: var(--theme-foreground-muted); font: 13px var(--sans-serif); margin-top: 0.2rem; }
/* Hidden, not removed, when the editor is not focused: removing it moved the toolbar up
   between mousedown and mouseup, so a click on Run right after typing missed. */
.live-cell-editor:not(:focus-within) + .live-cell-keys { visibility: hidden; }
.live-cell-toolbar, .live-cell-bar { font-family: var(--sans-serif); }
.live-cell-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin: 0.4rem 0; font-size: 14px; }
.live-cell-toolbar button, .live-cell-bar button { font: inherit; padding: 0.15rem 0.7rem; border-radius: 4px; cursor: pointer;
  border: 1px solid var(--theme-foreground-faint); background: var(--theme-background); color: var(--theme-foreground); }
.live-cell-toolbar button:disabled { opacity: 0.45; cursor: default; }
.live-cell-toolbar button.live-cell-run { background: var(--theme-foreground-focus); border-color: var(--theme-foreground-focus); color: var(--theme-background); font-weight: 600; }
.live-cell-limit input { width: 3.5em; font: inherit; }
.live-cell-status { color: var(--theme-foreground-muted); font-variant-numeric: tabular-nums; }
.live-cell-spacer { flex: 1; }
.live-cell-edited { color: var(--theme-foreground-muted); }
.live-cell-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; padding: 0.4rem 0.6rem; margin: 0.4rem 0; font-size: 14px;
  border-left: 3px solid var(--theme-foreground-focus); background: var(--theme-background-alt); }
.live-cell-bar input { flex: 1; min-width: 12rem; font: 13px var(--monospace); }
.live-cell-output { font: 13px/1.5 var(--monospace); }
.live-cell-output:not(:empty) { border-top: 1px dashed var(--theme-foreground-faintest); padding-top: 0.4rem; }
.live-cell-hint { color: var(--theme-foreground-muted); font-family: var(--sans-serif); font-size: 14px; }
.live-cell-log { white-space: pre-wrap; }
.live-cell-log-warn { color: var(--syntax-variable); }
.live-cell-log-error, .live-cell-error { color: var(--syntax-keyword); }
.live-cell-error { white-space: pre-wrap; margin: 0.3rem 0; }
.live-cell-cut { color: var(--theme-foreground-muted); font-style: italic; font-size: 14px; margin: 0.2rem 0; }
.live-cell-error pre { margin: 0.2rem 0 0; color: var(--theme-foreground); }
.live-cell-result { margin: 0.3rem 0; }
.live-cell-output table { font: inherit; width: auto; margin: 0.2rem 0; border-collapse: collapse; }
.live-cell-output caption { text-align: left; color: var(--theme-foreground-muted); caption-side: top; }
.live-cell-matrix td { text-align: right; padding: 0 0.6em; }
.live-cell-records th, .live-cell-records td { padding: 0 0.8em 0 0; text-align: right; }
.live-cell-object { margin: 0.2rem 0; } .live-cell-object dd { margin-left: 1.2rem; }
.live-cell-type { color: var(--theme-foreground-muted); }
.live-cell-key { color: var(--syntax-entity); }
.live-cell-string { margin: 0; white-space: pre-wrap; }
.live-cell-plot { font-family: var(--sans-serif); margin: 0.4rem 0; }
`;

/** Adds the stylesheet to the document once. */
export function addLiveCellStyle() {
  if (document.getElementById("live-cell-style")) return;
  const style = document.createElement("style");
  style.id = "live-cell-style";
  style.textContent = css;
  document.head.append(style);
}

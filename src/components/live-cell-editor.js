// The live cell's CodeMirror 6 editor: JavaScript with line numbers, undo history,
// bracket matching and Tab indenting (Esc then Tab moves focus on). Colours come
// from the page's CSS variables (--theme-*, --syntax-*), so it follows the site's
// light and dark themes exactly as the page's own code blocks do.
import {EditorState} from "@codemirror/state";
import {EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers} from "@codemirror/view";
import {defaultKeymap, history, historyKeymap, indentWithTab} from "@codemirror/commands";
import {HighlightStyle, bracketMatching, indentOnInput, syntaxHighlighting} from "@codemirror/language";
import {closeBrackets, closeBracketsKeymap} from "@codemirror/autocomplete";
import {javascript} from "@codemirror/lang-javascript";
import {tags} from "@lezer/highlight";

const highlight = HighlightStyle.define([
  {tag: [tags.keyword, tags.controlKeyword, tags.moduleKeyword, tags.operatorKeyword], color: "var(--syntax-keyword)"},
  {tag: [tags.function(tags.variableName), tags.function(tags.propertyName), tags.className, tags.typeName], color: "var(--syntax-entity)"},
  {tag: [tags.number, tags.bool, tags.null, tags.atom, tags.self, tags.special(tags.variableName)], color: "var(--syntax-constant)"},
  {tag: [tags.string, tags.special(tags.string), tags.regexp], color: "var(--syntax-string)"},
  {tag: [tags.definition(tags.variableName), tags.definition(tags.propertyName)], color: "var(--syntax-variable)"},
  {tag: tags.comment, color: "var(--syntax-comment)"},
  {tag: tags.invalid, color: "var(--syntax-keyword)", textDecoration: "underline wavy"}
]);

const theme = EditorView.theme({
  "&": {color: "var(--theme-foreground)", backgroundColor: "var(--theme-background-alt)", fontSize: "14px"},
  "&.cm-focused": {outline: "2px solid var(--theme-foreground-focus)"},
  ".cm-scroller": {fontFamily: "var(--monospace)", lineHeight: "1.5"},
  ".cm-content": {caretColor: "var(--theme-foreground)"},
  ".cm-cursor, .cm-dropCursor": {borderLeftColor: "var(--theme-foreground)"},
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection": {
    backgroundColor: "color-mix(in srgb, var(--theme-foreground-focus) 30%, transparent)"
  },
  ".cm-activeLine": {backgroundColor: "color-mix(in srgb, var(--theme-foreground) 5%, transparent)"},
  // Line numbers are text a reader may need: muted (4.5:1 or more), not faint.
  ".cm-gutters": {backgroundColor: "var(--theme-background-alt)", color: "var(--theme-foreground-muted)", border: "none"},
  ".cm-activeLineGutter": {backgroundColor: "transparent", color: "var(--theme-foreground)"},
  "&.cm-focused .cm-matchingBracket": {backgroundColor: "color-mix(in srgb, var(--theme-foreground-focus) 25%, transparent)"}
});

/**
 * An editor holding `code` inside `parent`; `onRun` on Shift+Enter or Mod+Enter,
 * `onChange(code)` after every edit; `describedBy` names the element that tells how
 * to leave it by keyboard. Returns the EditorView.
 */
export function createEditor(parent, code, {onRun, onChange, label, describedBy}) {
  const run = () => (onRun(), true);
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: code,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        EditorView.lineWrapping, // no code hidden past the right edge on a narrow column
        keymap.of([{key: "Shift-Enter", run}, {key: "Mod-Enter", run}, ...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
        javascript(),
        syntaxHighlighting(highlight),
        theme,
        // tabindex: the editable area is focusable anyway; saying so lets checkers (axe's
        // scrollable-region-focusable) see that the scrolling editor is reachable by keyboard.
        EditorView.contentAttributes.of({"aria-label": label, tabindex: "0", ...(describedBy ? {"aria-describedby": describedBy} : {})}),
        EditorView.updateListener.of((update) => update.docChanged && onChange(update.state.doc.toString()))
      ]
    })
  });
}

/** Replaces the whole document (Reset, link code), as one undoable change. */
export function setCode(view, code) {
  view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: code}});
}

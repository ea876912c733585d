// Explicit, stable heading ids: `## The idea {#idea}` renders <h2 id="idea">The idea</h2>.
// Framework derives ids from heading text (markdown-it-anchor), so rewording a heading
// would break every link to it; markdown-it-anchor keeps an id that is already set, so
// this rule runs just before it. test/site/heading-ids.test.ts lists the ids.

/** The `{#id}` suffix of a heading line: letters, digits and dashes, starting with a letter. */
export const headingIdPattern = /\s*\{#([A-Za-z][\w-]*)\}\s*$/;

import type MarkdownIt from "markdown-it";

/** markdown-it plugin: move a trailing `{#id}` of a heading into its id attribute. */
export function headingIds(md: MarkdownIt): MarkdownIt {
  md.core.ruler.before("anchor", "heading-ids", (state) => {
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length - 1; i++) {
      if (tokens[i].type !== "heading_open") continue;
      const inline = tokens[i + 1];
      const match = inline.content.match(headingIdPattern);
      if (!match) continue;
      tokens[i].attrSet("id", match[1]);
      inline.content = inline.content.slice(0, match.index);
      // The text is already split into children: strip the suffix from the last text child.
      const texts = (inline.children ?? []).filter((child) => child.type === "text");
      const last = texts[texts.length - 1];
      if (last) last.content = last.content.replace(headingIdPattern, "");
    }
  });
  return md;
}

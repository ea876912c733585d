// A newcomer with only linear algebra meets the field's words on every page. Each
// glossary term must be linked to src/glossary.md, with its tooltip, at or before its
// first use on every page; a page that uses a term first and links it later fails.
import {describe, expect, test} from "vitest";
import {headings, pageSources, proseLines} from "./pages-source.ts";
import {termUses} from "./glossary-terms.ts";


const pages = pageSources();
const glossary = pages.find((page) => page.path === "/glossary");

/** The glossary's entries: id, term and tooltip (the first sentence of the definition). */
function entries(): {id: string; term: string; tooltip: string}[] {
  if (!glossary) return [];
  const lines = glossary.lines;
  return headings(lines).filter((h) => h.level === 3).map((h) => {
    const paragraph = lines.slice(h.line).find((line) => line.trim() !== "") ?? "";
    const tooltip = paragraph.match(/^(.*?[.!?])(?=\s|$)/)?.[1] ?? paragraph;
    return {id: h.id ?? "", term: h.text, tooltip};
  });
}

/** Links to the glossary in a text: markdown `[…](./glossary#id "title")` or HTML `href="./glossary#id"`. */
function glossaryLinks(text: string): {id: string; start: number; title: string | null}[] {
  const links = [...text.matchAll(/\[[^\]]*\]\(\.\/glossary#([\w-]+)(?:\s+"([^"]*)")?\)/g)].map((m) => ({id: m[1], start: m.index!, title: m[2] ?? null}));
  const html = [...text.matchAll(/<a [^>]*href="\.\/glossary#([\w-]+)"(?:[^>]*?\stitle="([^"]*)")?[^>]*>/g)].map((m) => ({id: m[1], start: m.index!, title: m[2] ?? null}));
  return [...links, ...html].sort((a, b) => a.start - b.start); // the first link in the text, whichever form it takes
}

describe("glossary", () => {
  const list = entries();

  test("the glossary page exists, and every entry has an id, a tooltip sentence and a way to be found", () => {
    expect(glossary, "src/glossary.md").toBeDefined();
    expect(list.length).toBeGreaterThanOrEqual(20);
    for (const {id, term, tooltip} of list) {
      expect(id, term).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(tooltip.length, `${term}: tooltip`).toBeGreaterThan(20);
      expect(tooltip.length, `${term}: keep the first sentence short, it is the tooltip`).toBeLessThan(260);
      expect(tooltip, `${term}: a tooltip is plain text`).not.toMatch(/[$`"]/);
      expect(termUses[id], `${term}: add how it shows up to termUses`).toBeDefined();
    }
    expect(Object.keys(termUses).filter((id) => !list.some((e) => e.id === id)), "termUses without a glossary entry").toEqual([]);
  });

  test.each(pages.filter((page) => page.path !== "/glossary").map((page) => [page.path, page] as const))(
    "%s links each glossary term, with its tooltip, at or before its first use",
    (_, page) => {
      // The prose a reader sees, headings included, as one text: code cells are not prose.
      const raw = proseLines(page.lines).map((l) => (l.text.startsWith("# ") ? "" : l.text)).join("\n");
      // Not uses (blanked, keeping offsets): the page's title, the text of a link to another
      // page (it names that page), and a tooltip's words.
      const blank = (s: string) => " ".repeat(s.length);
      const text = raw
        .replace(/(\.\/glossary#[\w-]+ ")([^"]*)(")/g, (_, open, title, close) => open + blank(title) + close)
        .replace(/(title=")([^"]*)(")/g, (_, open, title, close) => open + blank(title) + close)
        .replace(/(\[)([^\]]*)(\]\((?!\.\/glossary#))/g, (_, open, label, close) => open + blank(label) + close)
        .replace(/(<a [^>]*href="(?!\.\/glossary#)[^"]*"[^>]*>)([^<]*)(<\/a>)/g, (_, open, label, close) => open + blank(label) + close);
      const problems: string[] = [];
      for (const {id, term, tooltip} of list) {
        const use = text.match(termUses[id]);
        const links = glossaryLinks(raw).filter((link) => link.id === id);
        for (const link of links) {
          if (link.title !== tooltip) problems.push(`${term}: the link's title should be the glossary's first sentence, "${tooltip}" (got ${JSON.stringify(link.title)})`);
        }
        if (!use) continue;
        const line = text.slice(0, use.index).split("\n").length;
        const firstLink = links[0];
        if (!firstLink) problems.push(`${term}: used ("${use[0]}", prose line ${line}) but never linked to ./glossary#${id}`);
        else if (firstLink.start > use.index!) problems.push(`${term}: used ("${use[0]}", prose line ${line}) before its glossary link`);
      }
      expect(problems).toEqual([]);
    }
  );
});

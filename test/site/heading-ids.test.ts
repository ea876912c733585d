// Links into the site (from a syllabus, a slide, another page) point at heading and
// equation ids. Every heading carries an explicit `{#id}` (scripts/heading-ids.ts), and
// heading-ids.json lists the ids that exist: a test fails when one disappears.
import {describe, expect, test} from "vitest";
import {readFileSync} from "node:fs";
import MarkdownIt from "markdown-it";
import anchor from "markdown-it-anchor";
import {headingIds} from "../../scripts/heading-ids.ts";
import {equationIds, headings, pageSources} from "./pages-source.ts";

const listed = JSON.parse(readFileSync(new URL("./heading-ids.json", import.meta.url), "utf8")) as Record<string, string[]>;
const pages = pageSources();
const idsOf = (lines: string[]) => [...headings(lines).map((h) => h.id ?? ""), ...equationIds(lines)];

describe("heading ids", () => {
  test("`## Heading {#id}` renders the id and drops the suffix; other headings keep their slug", () => {
    const md = new MarkdownIt();
    md.use(anchor as unknown as (md: MarkdownIt) => void); // its bundled types name another markdown-it copy
    headingIds(md);
    expect(md.render("## The idea {#idea}\n")).toBe('<h2 id="idea" tabindex="-1">The idea</h2>\n');
    expect(md.render("## The *update* and its shapes {#shapes}\n")).toBe('<h2 id="shapes" tabindex="-1">The <em>update</em> and its shapes</h2>\n');
    expect(md.render("## Plain heading\n")).toBe('<h2 id="plain-heading" tabindex="-1">Plain heading</h2>\n');
  });

  test.each(pages.map((page) => [page.path, page] as const))("every heading on %s has an explicit, unique id", (_, page) => {
    const missing = headings(page.lines).filter((h) => h.id === null).map((h) => `${page.file}:${h.line} "${h.text}"`);
    expect(missing, "add `{#a-stable-id}` at the end of these headings").toEqual([]);
    const ids = idsOf(page.lines);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), "duplicate ids").toEqual([]);
  });

  test("no listed id has disappeared (links to it would break)", () => {
    const gone = Object.entries(listed).flatMap(([path, ids]) => {
      const page = pages.find((p) => p.path === path);
      const present = new Set(page ? idsOf(page.lines) : []);
      return ids.filter((id) => !present.has(id)).map((id) => `${path}#${id}`);
    });
    expect(gone, "restore these ids (keep the {#id} when you reword a heading), or keep a redirecting anchor").toEqual([]);
  });

  test("every page and its ids are in the list, so the list stays the whole set", () => {
    const unlisted = pages.flatMap((page) => idsOf(page.lines).filter((id) => !(listed[page.path] ?? []).includes(id)).map((id) => `${page.path}#${id}`));
    expect(unlisted, "add these to test/site/heading-ids.json").toEqual([]);
  });
});

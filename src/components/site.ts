// The site's identity, in one place, for citations and the page footer. Pages import
// it as "./components/site.js" (Framework compiles the .ts). test/site/site.test.ts
// keeps `version` equal to package.json's and CITATION.cff's.

/** Name, version and canonical address used in every "Cite this page" block. */
export const site = {
  /** The site's title, as in observablehq.config.ts. */
  name: "LoRA, explained and runnable",
  /** Who to credit: the authors field of CITATION.cff. */
  authors: "LoRA explained contributors",
  /** Keep equal to package.json's "version" (a unit test checks). */
  version: "0.1.0",
  /** First public release (CITATION.cff date-released); gives the citation's year. */
  released: "2026-11-28",
  /**
   * CANONICAL ADDRESS: a placeholder. Change it here, once, to the deployed address;
   * every citation's URL is built from it.
   */
  baseUrl: "https://lora-explained.example"
} as const;

/** The canonical URL of a page path ("/", "/math"). */
export function pageUrl(path: string): string {
  const clean = path === "/" || path === "" ? "/" : "/" + path.replace(/^\/+/, "").replace(/\/index$/, "/");
  return site.baseUrl + clean;
}

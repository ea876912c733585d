// The site's identity, in one place, for citations and the page footer. Pages import
// it as "./components/site.js" (Framework compiles the .ts). test/site/site.test.ts
// keeps `version` equal to package.json's and the address equal to CITATION.cff's.
//
// The canonical address is ONE setting: the SITE_URL environment variable at build
// time (observablehq.config.ts writes it into every page's <meta name="site-url">),
// or `defaultSiteUrl` below when it is not set.

/** The published address when SITE_URL is not set; CITATION.cff's `url` must equal it. */
export const defaultSiteUrl = "https://lora-explained.github.io";

/** A SITE_URL value checked and normalised (https or http, no trailing slash); the default when empty. */
export function resolveSiteUrl(value: string | undefined = undefined): string {
  if (value === undefined || value.trim() === "") return defaultSiteUrl;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`SITE_URL must be an absolute address such as ${defaultSiteUrl}; got "${value}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`SITE_URL must start with https:// or http://; got "${value}"`);
  return url.href.replace(/\/+$/, "");
}

/** The address this build was made for: the page's <meta name="site-url"> in a browser, SITE_URL in Node (config, tests). */
function builtSiteUrl(): string {
  const scope = globalThis as {document?: {querySelector(s: string): {getAttribute(n: string): string | null} | null}; process?: {env: Record<string, string | undefined>}};
  if (scope.document) return resolveSiteUrl(scope.document.querySelector('meta[name="site-url"]')?.getAttribute("content") ?? undefined);
  return resolveSiteUrl(scope.process?.env.SITE_URL);
}

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
  /** The canonical address: SITE_URL at build time, or `defaultSiteUrl`. */
  baseUrl: builtSiteUrl()
} as const;

/** The canonical URL of a page path ("/", "/math"). */
export function pageUrl(path: string): string {
  const clean = path === "/" || path === "" ? "/" : "/" + path.replace(/^\/+/, "").replace(/\/index$/, "/");
  return site.baseUrl + clean;
}

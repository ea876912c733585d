// The site's identity is written in three places that must agree: package.json (the
// release), src/components/site.ts (what "Cite this page" prints) and CITATION.cff.
import {describe, expect, test} from "vitest";
import {readFile} from "node:fs/promises";
import {defaultSiteUrl, pageUrl, resolveSiteUrl, site} from "../../src/components/site.ts";

const packageJson = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {version: string};
const citation = await readFile(new URL("../../CITATION.cff", import.meta.url), "utf8");
/** A top-level `key: value` of CITATION.cff (enough YAML for these scalar fields). */
const cffField = (key: string) => citation.match(new RegExp(`^${key}:\\s*"?([^"\\n]+)"?\\s*$`, "m"))?.[1];

describe("site identity", () => {
  test("site.version equals package.json's version", () => {
    expect(site.version).toBe(packageJson.version);
  });

  test("CITATION.cff carries the same version, release date, title, authors and address", () => {
    expect(cffField("cff-version")).toBe("1.2.0");
    expect(cffField("version")).toBe(site.version);
    expect(cffField("date-released")).toBe(site.released);
    expect(cffField("title")).toBe(site.name);
    expect(cffField("url")).toBe(defaultSiteUrl);
    expect(citation).toContain(`- name: "${site.authors}"`);
    expect(citation).toContain("arXiv:2106.09685");
  });

  test("the address is one setting: SITE_URL, or the default CITATION.cff names; never a placeholder", () => {
    expect(site.baseUrl).toBe(resolveSiteUrl(process.env.SITE_URL));
    expect(resolveSiteUrl(undefined)).toBe(defaultSiteUrl);
    expect(resolveSiteUrl("  ")).toBe(defaultSiteUrl);
    expect(resolveSiteUrl("https://teach.example.org/lora/")).toBe("https://teach.example.org/lora");
    expect(() => resolveSiteUrl("lora-explained.github.io")).toThrow(/absolute address/);
    expect(() => resolveSiteUrl("ftp://host/x")).toThrow(/https:\/\//);
    expect(defaultSiteUrl).not.toMatch(/\.example\b|placeholder|localhost|127\.0\.0\.1/);
    expect(defaultSiteUrl.startsWith("https://")).toBe(true);
  });

  test("CITATION.cff credits the page this site grew from and keeps its references", () => {
    expect(citation).toContain("https://vectorinstitute.github.io/ai-pocket-reference/nlp/llms/fine_tuning/lora.html");
    expect(citation).toContain("alias: nerdai");
    expect(citation).toContain("Build a Large Language Model (From Scratch)");
    expect(citation).toContain("LoRA PaperCard");
  });

  test("the release date is a real ISO date", () => {
    expect(new Date(`${site.released}T00:00:00Z`).toISOString().slice(0, 10)).toBe(site.released);
  });

  test("pageUrl builds canonical addresses from the base URL", () => {
    expect(site.baseUrl.endsWith("/")).toBe(false);
    expect(pageUrl("/")).toBe(`${site.baseUrl}/`);
    expect(pageUrl("/math")).toBe(`${site.baseUrl}/math`);
    expect(pageUrl("math")).toBe(`${site.baseUrl}/math`);
  });
});

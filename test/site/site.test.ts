// The site's identity is written in three places that must agree: package.json (the
// release), src/components/site.ts (what "Cite this page" prints) and CITATION.cff.
import {describe, expect, test} from "vitest";
import {readFile} from "node:fs/promises";
import {pageUrl, site} from "../../src/components/site.ts";

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
    expect(cffField("url")).toBe(site.baseUrl);
    expect(citation).toContain(`- name: "${site.authors}"`);
    expect(citation).toContain("arXiv:2106.09685");
  });

  test("the release date is a real ISO date", () => {
    expect(new Date(`${site.released}T00:00:00Z`).toISOString().slice(0, 10)).toBe(site.released);
  });

  test("pageUrl builds canonical addresses from the base URL", () => {
    expect(new URL(site.baseUrl).pathname).toBe("/");
    expect(pageUrl("/")).toBe(`${site.baseUrl}/`);
    expect(pageUrl("/math")).toBe(`${site.baseUrl}/math`);
    expect(pageUrl("math")).toBe(`${site.baseUrl}/math`);
  });
});

// lib's two wings and one rule (docs/architecture.md): the engine never imports the
// site wing, the site wing reaches the engine only through lib/index.ts, and src/
// reaches lib only through the two entry points, lib/index.ts and lib/site/index.ts.
import {readFileSync, readdirSync} from "node:fs";
import {dirname, join, relative, resolve} from "node:path";
import {describe, expect, it} from "vitest";

const root = resolve(import.meta.dirname, "../..");
const entries = new Set(["lib/index.ts", "lib/site/index.ts"]);

/** Every file under `dir` (relative to the repository) whose name ends with one of `extensions`. */
function files(dir: string, extensions: string[]): string[] {
  return readdirSync(join(root, dir), {recursive: true, encoding: "utf8"})
    .filter((name) => extensions.some((e) => name.endsWith(e)) && !name.includes("generated"))
    .map((name) => join(dir, name));
}

/** The lib files a source file imports, repository-relative with .ts (src/lib is a link to lib). */
function libImports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specifiers = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\s+"([^"]+)"|import\("([^"]+)"\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  return specifiers
    .filter((s) => s.startsWith("."))
    .map((s) => relative(root, resolve(root, dirname(file), s)).replace(/^src\/lib\//, "lib/").replace(/\.js$/, ".ts"))
    .filter((path) => path.startsWith("lib/"));
}

describe("lib's import boundaries", () => {
  it("finds imports (the check can fail)", () => {
    expect(libImports("lib/site/lab/lab.ts")).toContain("lib/index.ts");
    expect(libImports("lib/index.ts")).toContain("lib/nn/index.ts");
  });

  it("the engine never imports the site wing", () => {
    const engine = files("lib", [".ts"]).filter((f) => !f.startsWith("lib/site/"));
    const offending = engine.flatMap((f) => libImports(f).filter((i) => i.startsWith("lib/site/")).map((i) => `${f} -> ${i}`));
    expect(offending).toEqual([]);
  });

  it("the site wing imports the engine only through lib/index.ts", () => {
    const site = files("lib/site", [".ts"]);
    const offending = site.flatMap((f) => libImports(f).filter((i) => !i.startsWith("lib/site/") && i !== "lib/index.ts").map((i) => `${f} -> ${i}`));
    expect(offending).toEqual([]);
  });

  it("src/ imports lib only through lib/index.ts and lib/site/index.ts", () => {
    const src = files("src", [".ts", ".js", ".md"]).filter((f) => !f.startsWith("src/lib/"));
    const offending = src.flatMap((f) => libImports(f).filter((i) => !entries.has(i)).map((i) => `${f} -> ${i}`));
    expect(offending).toEqual([]);
  });
});

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

/** A relative import, repository-relative, as written (src/_generated/lib/… is the pages' bundle of lib/…). */
function importedPaths(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specifiers = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\s+"([^"]+)"|import\("([^"]+)"\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  return specifiers.filter((s) => s.startsWith(".")).map((s) => relative(root, resolve(root, dirname(file), s)));
}

/** The lib files a source file imports, repository-relative with .ts (src/lib is a link to lib; src/_generated/lib its bundle). */
function libImports(file: string): string[] {
  return importedPaths(file)
    .map((path) => path.replace(/^src\/(_generated\/)?lib\//, "lib/").replace(/\.js$/, ".ts"))
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

  // A page holding lib from both the bundle and the source would load it twice (the bundle
  // exists so that a page fetches lib as three files, not ~94), and a Matrix made by one
  // copy would fail `instanceof` in the other. Workers use the bundle too.
  it("pages, components and workers import lib through its bundle, never the source", () => {
    const src = files("src", [".ts", ".js", ".md"]).filter((f) => !f.startsWith("src/lib/"));
    const wrong = src.flatMap((f) => importedPaths(f).filter((path) => path.startsWith("src/lib/")).map((path) => `${f} -> ${path}`));
    expect(wrong).toEqual([]);
    expect(importedPaths("src/lab.md")).toContain("src/_generated/lib/site/index.js");
  });

  // Pages and .js components are not type-checked, and a name an entry point does not
  // export fails only in the browser, taking every cell of the page down with it.
  it("every name src/ imports from an entry point is exported there", async () => {
    const exported = new Map<string, Set<string>>();
    for (const entry of entries) exported.set(entry, new Set(Object.keys(await import(join(root, entry)))));
    const src = files("src", [".ts", ".js", ".md"]).filter((f) => !f.startsWith("src/lib/") && !f.includes(".observablehq"));
    const missing = src.flatMap((file) => namedImports(file).filter(({from, name}) => !exported.get(from)?.has(name)).map(({from, name}) => `${file}: ${name} from ${from}`));
    expect(missing).toEqual([]);
    // The check can fail: it sees the lab page's imports (the lab's controls once
    // imported the engine's loraInits from the site wing, and the whole page broke).
    expect(namedImports("src/lab.md")).toContainEqual({from: "lib/site/index.ts", name: "validateSetup"});
  });
});

/** The runtime names (not `type` ones) a source file imports from lib's entry points. */
function namedImports(file: string): {from: string; name: string}[] {
  const text = readFileSync(join(root, file), "utf8");
  return [...text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s+"([^"]+)"/g)]
    .filter((m) => !m[1] && m[3].startsWith("."))
    .flatMap((m) => {
      const from = relative(root, resolve(root, dirname(file), m[3])).replace(/^src\/(_generated\/)?lib\//, "lib/").replace(/\.js$/, ".ts");
      if (!entries.has(from)) return [];
      return m[2].split(",").map((item) => item.trim()).filter((item) => item && !item.startsWith("type "))
        .map((item) => ({from, name: item.split(/\s+as\s+/)[0]}));
    });
}

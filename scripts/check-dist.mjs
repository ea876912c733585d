// Fails the build when dist/ holds a page Framework built "successfully" with a
// broken cell (it exits 0 and leaves an observablehq--error element), or a page
// that links to another origin (the built site must make no external request).
import {readdir, readFile} from "node:fs/promises";
import {join} from "node:path";

const dist = process.env.SITE_OUTPUT ?? "dist";

const problems = [];
const files = (await readdir(dist, {recursive: true}).catch(() => [])).filter((f) => f.endsWith(".html"));
if (files.length === 0) problems.push("no pages were built (dist/ has no .html)");
for (const file of files) {
  const html = await readFile(join(dist, file), "utf8");
  // Search results and link previews quote it; Lighthouse's SEO audit wants one (front matter `description:`).
  if (!/<meta name="description" content="[^"]{20,}">/.test(html) && !file.startsWith("404")) problems.push(`${file}: no meta description (add \`description:\` to the page's front matter)`);
  for (const match of html.matchAll(/<[^>]*class="[^"]*observablehq--error[^"]*"[^>]*>([^<]*)/g)) {
    problems.push(`${file}: a cell failed to build (observablehq--error): ${match[1].trim() || match[0]}`);
  }
  // Resources the browser would fetch on load: src= on any element, href= on <link>.
  // Plain <a href> links to papers are fine: following one is the reader's choice.
  for (const match of html.matchAll(/<(?:[a-z]+[^>]*\ssrc|link[^>]*\shref)=["']((?:https?:)?\/\/[^"']+)/gi)) {
    problems.push(`${file}: loads a resource from another origin: ${match[1]}`);
  }
  for (const match of html.matchAll(/\bimport\s*(?:[^"']*from\s*)?["']((?:https?:)?\/\/[^"']+)/g)) {
    problems.push(`${file}: imports from another origin: ${match[1]}`);
  }
}
// Framework rewrites every import it can resolve to a local path; a bare specifier
// left behind means a package that is not installed (the browser cannot load it).
const bare = /(?:\bimport\s*\(\s*|\bfrom\s*|\bimport\s+)["']([^"'./][^"':]*)["']/g;
const modules = (await readdir(join(dist, "_import"), {recursive: true}).catch(() => [])).filter((f) => f.endsWith(".js")).map((f) => join("_import", f));
for (const file of [...files, ...modules]) {
  const text = await readFile(join(dist, file), "utf8");
  for (const match of text.matchAll(bare)) {
    problems.push(`${file}: import of "${match[1]}" was not resolved (is the package installed and in package.json?)`);
  }
}
if (problems.length) {
  console.error(`check-dist: ${problems.length} problem(s) in ${dist}/:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(`check-dist: ${files.length} page(s) clean`);

// Fixes the accessibility faults of Framework 1.13's own page shell in every built
// page (dist/*.html); Framework has no option for any of them. Each rewrite must
// match exactly once per page, so a Framework upgrade that changes the shell fails
// the build here instead of silently dropping a fix.
import {readdir, readFile, writeFile} from "node:fs/promises";
import {join} from "node:path";

const dist = process.env.SITE_OUTPUT ?? "dist";

const rewrites = [
  // html-has-lang: screen readers pick the voice and hyphenation from it.
  ["the page's language", /<html>/, '<html lang="en">'],
  // meta-viewport: maximum-scale=1 stops readers zooming on phones (WCAG 1.4.4).
  ["zoom on phones", /<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">/, '<meta name="viewport" content="width=device-width, initial-scale=1">'],
  // label-title-only: a title is not a name; the checkbox is the sidebar's menu button.
  ["the sidebar toggle's name", /<input id="observablehq-sidebar-toggle" type="checkbox" title="([^"]*)">/, '<input id="observablehq-sidebar-toggle" type="checkbox" title="$1" aria-label="Show the list of pages">'],
  // list: the sidebar's close button sat inside the <ol> as a bare <label>; it is
  // positioned absolutely against the <nav>, so moving it before the list changes nothing on screen.
  ["the sidebar's list", /(<nav id="observablehq-sidebar">)\s*<ol>\s*(<label id="observablehq-sidebar-close"[^>]*><\/label>)/, "$1\n  $2\n  <ol>"],
  // landmark-unique: the sidebar, the table of contents and the pager are all <nav>: name each.
  ["the sidebar's name", /<nav id="observablehq-sidebar">/, '<nav id="observablehq-sidebar" aria-label="Pages">']
];
// Only on pages that have them (a page with no second-level heading has no table of contents).
const optional = [
  ["the contents' name", /(<aside id="observablehq-toc"[^>]*>\s*)<nav>/, '$1<nav aria-label="On this page">'],
  ["the pager's name", /(<footer id="observablehq-footer">\s*)<nav>/, '$1<nav aria-label="Previous and next page">']
];

const files = (await readdir(dist, {recursive: true})).filter((file) => file.endsWith(".html"));
const problems = [];
for (const file of files) {
  const path = join(dist, file);
  let html = await readFile(path, "utf8");
  if (html.includes('<html lang="en">')) continue; // fixed by an earlier run
  for (const [what, pattern, replacement] of rewrites) {
    if (!pattern.test(html)) problems.push(`${file}: Framework's page shell changed; cannot fix ${what} (${pattern})`);
    html = html.replace(pattern, replacement);
  }
  for (const [, pattern, replacement] of optional) html = html.replace(pattern, replacement);
  await writeFile(path, html);
}
if (problems.length) {
  console.error(`a11y-dist: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(`a11y-dist: ${files.length} page(s) fixed`);

// `npm run audit`: Lighthouse on every page of the built site (dist/, or SITE_DIST),
// in the Chromium the browser tests use, printing the four category scores per page
// and, for any page below 100 in accessibility, the audits that cost it points.
// Slow (about half a minute a page), so not part of `npm test`. Needs `npm run build` first.
import lighthouse from "lighthouse";
import {chromium} from "playwright-core";
import {createServer} from "node:net";
import {assertBuilt, distDir, findChromium} from "../test/e2e/browser.ts";
import {serve} from "../test/e2e/serve.ts";
import {configuredPages} from "../test/e2e/pages.ts";

const categories = ["performance", "accessibility", "best-practices", "seo"] as const;

/** A TCP port nobody is listening on, for Chromium's DevTools endpoint (Lighthouse connects there). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const {port} = probe.address() as {port: number};
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

await assertBuilt();
const {server, origin} = await serve(distDir);
const port = await freePort();
const found = await findChromium();
const browser = await chromium.launch({
  executablePath: found.path,
  env: {...process.env, ...found.env},
  headless: true,
  args: [`--remote-debugging-port=${port}`, "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
});
const rows: string[][] = [];
let failed = false;
try {
  for (const {path} of configuredPages()) {
    // maxWaitForLoad: the pages train models at load; on a busy machine the default 45 s is too short.
    const result = await lighthouse(origin + path, {port, logLevel: "error", output: "json", onlyCategories: [...categories], maxWaitForLoad: 120_000});
    const lhr = result?.lhr;
    if (!lhr || lhr.runtimeError) {
      // One page Lighthouse could not load (PAGE_HUNG on a loaded machine) must not hide the others' scores.
      failed = true;
      rows.push([path, ...categories.map(() => "-")]);
      console.log(`${path}: Lighthouse could not audit it: ${lhr?.runtimeError?.code ?? "no result"} ${lhr?.runtimeError?.message ?? ""}`);
      continue;
    }
    const scores = categories.map((id) => lhr.categories[id]?.score);
    rows.push([path, ...scores.map((score) => (score == null ? "n/a" : String(Math.round(score * 100))))]);
    // Name what keeps accessibility, best practices or SEO under 100, so no number is a mystery
    // (performance depends on the machine's load and Lighthouse's throttling: see docs/performance.md).
    for (const category of ["accessibility", "best-practices", "seo"] as const) {
      for (const ref of lhr.categories[category]?.auditRefs ?? []) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          if (category === "accessibility") failed = true;
          const items = ((audit.details as {items?: {node?: {snippet?: string}}[]} | undefined)?.items ?? []).map((item) => item.node?.snippet).filter(Boolean).slice(0, 3);
          console.log(`${path}: ${category} audit "${ref.id}" failed: ${audit.title}${items.length ? `\n    ${items.join("\n    ")}` : ""}`);
        }
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}

const header = ["page", ...categories];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
if (failed) process.exitCode = 1;

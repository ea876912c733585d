// `npx tsx bench/where-rerun.ts [ids]` (after `npm run build`): the same Table 5 runs of the
// "Where to put LoRA" page timed in Node (the loader's code path) and in Chromium (the built
// page's worker, through its Run button), in one process, so the ratio is fair under load;
// then the cost of a fresh Float32Array and of a first touch of fresh memory, which is where
// the two differ on a machine whose page faults are slow (docs/performance.md, "The Where rerun").
//   npx tsx bench/where-rerun.ts                       table5 q, qv, mlp of seed 1
//   npx tsx bench/where-rerun.ts table5:all:2,table5:k:1
import {readdirSync, readFileSync} from "node:fs";
import {GPT, rng, useFastKernels} from "../lib/index.js";
import {WhereRun, planTable5} from "../lib/site/index.js";
import {assertBuilt, distDir, launch} from "../test/e2e/browser.ts";
import {serve} from "../test/e2e/serve.ts";

const ids = (process.argv[2] ?? "table5:q:1,table5:qv:1,table5:mlp:1").split(",");
await assertBuilt();
const file = (prefix: string) => readFileSync(`${distDir}/_file/data/where/${readdirSync(`${distDir}/_file/data/where`).find((f) => f.startsWith(prefix))}`);

// Node: the loader's path (useFastKernels, WhereRun), one run after another.
useFastKernels();
const results = JSON.parse(file("results.").toString());
const tokens = Int32Array.from(file("text."));
const assets = {config: results.config, base: new Uint8Array(file("base.")), train: tokens.subarray(0, results.split.train), heldOut: tokens.subarray(results.split.train)};
const plan = planTable5(new GPT(results.config, rng(0))).filter((run) => ids.includes(run.id));
const nodeMs = new Map<string, number>();
for (const {id, setup} of plan) {
  const started = performance.now();
  const run = new WhereRun(assets, setup);
  while (!run.done) run.advance();
  run.finish();
  nodeMs.set(id, performance.now() - started);
}

// Chromium: the page's own Run button on the same runs (one worker per spare core).
const {server, origin} = await serve(distDir);
const browser = await launch();
const page = await browser.newPage();
const rows = [...new Set(plan.map((run) => run.row))].join(","), seeds = [...new Set(plan.map((run) => run.seed))].join(",");
await page.goto(`${origin}/where?table=table5&rows=${rows}&seeds=${seeds}&steps=64`);
await page.click("#where-run");
await page.waitForSelector('#where-status:not([data-status="running"]):not([data-status="idle"])', {timeout: 1_200_000});
const live = await page.locator("tr[data-run]").evaluateAll((trs) => trs.map((tr) => ({id: tr.getAttribute("data-run")!, seconds: Number(tr.lastElementChild!.textContent!.replace(" s", ""))})));
for (const {id, seconds} of live.filter((r) => nodeMs.has(r.id))) {
  const node = nodeMs.get(id)! / 1000;
  console.log(`${id}: Node ${node.toFixed(2)} s, Chromium worker ${seconds.toFixed(1)} s (×${(seconds / node).toFixed(1)})`);
}

// Where the difference goes: allocating a fresh typed array, in Node and in the page.
const allocation = (sizes: number[]) => sizes.map((n) => {
  const count = 2000, started = performance.now();
  let sum = 0;
  for (let i = 0; i < count; i++) sum += new Float32Array(n).length;
  return `Float32Array(${n}) ${(((performance.now() - started) * 1000) / count).toFixed(1)} µs${sum < 0 ? "" : ""}`;
}).join(", ");
console.log(`new typed array, Node: ${allocation([256, 4096, 65536])}`);
console.log(`new typed array, Chromium: ${await page.evaluate(`(${allocation.toString()})([256, 4096, 65536])`)}`);
await browser.close();
server.close();

// A worker thread of where.tar.ts: runs its share of the plan with the same lib code
// the page's workers use and posts each result back. Started by runInThreads below,
// which loads tsx in the thread first (threads do not inherit the loader's tsx).
import {isMainThread, parentPort, Worker, workerData} from "node:worker_threads";
import {useFastKernels} from "../../lib/index.js";
import {type PlannedRun, type WhereAssets, type WhereResult, runWhere} from "../../lib/site/index.js";

/** A run's result as the loader keeps it: adapters only for the runs it asked for. */
export type ThreadResult = {id: string; ms: number} & WhereResult;

if (!isMainThread && workerData?.whereThread) {
  useFastKernels(); // as the main thread and the page's workers: same kernels, same losses
  const {assets, runs, keepAdapters} = workerData as {assets: WhereAssets; runs: PlannedRun[]; keepAdapters: string[]};
  const results: ThreadResult[] = runs.map(({id, setup}) => {
    const started = performance.now();
    const result = runWhere(assets, setup);
    return {id, ms: performance.now() - started, ...result, adapters: keepAdapters.includes(id) ? result.adapters : []};
  });
  parentPort!.postMessage(results);
}

/** Deals `runs` round-robin to `threads` worker threads; resolves with every result, in plan order. */
export async function runInThreads(assets: WhereAssets, runs: PlannedRun[], threads: number, keepAdapters: string[]): Promise<ThreadResult[]> {
  const code = `import {register} from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register(); await import(${JSON.stringify(import.meta.url)});`;
  const shares = Array.from({length: threads}, (_, t) => runs.filter((_, i) => i % threads === t));
  const done = await Promise.all(shares.map((share) => new Promise<ThreadResult[]>((resolve, reject) => {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), {workerData: {whereThread: true, assets, runs: share, keepAdapters}});
    worker.once("message", (results: ThreadResult[]) => (resolve(results), void worker.terminate()));
    worker.once("error", reject);
  })));
  const byId = new Map(done.flat().map((r) => [r.id, r]));
  return runs.map((r) => byId.get(r.id)!);
}

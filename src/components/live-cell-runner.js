// Runs one cell's code in a fresh Web Worker (live-cell-worker.ts) and ends it on
// Stop, on the time limit, or when the code is done. Terminating the worker is the
// only reliable way to stop `while (true) {}`; the page's thread is never blocked.

const START_LIMIT = 30_000; // loading lib into a new worker; only a broken build takes this long

/**
 * Starts a run; `onMessage` receives the worker's log/plot/result/error messages.
 * Returns {stop(), done}, where `done` resolves to {outcome, elapsed} with outcome
 * "done", "stopped", "timeout" or "crashed" and elapsed in milliseconds of running code.
 */
export function runCell(code, {timeLimit, onMessage, onStart = () => {}}) {
  const worker = new Worker(import.meta.resolve("./live-cell-worker.js"), {type: "module"});
  let startedAt = 0, timer, finish;
  const done = new Promise((resolve) => (finish = resolve));
  const end = (outcome, detail) => {
    clearTimeout(timer);
    worker.terminate();
    finish({outcome, detail, elapsed: startedAt ? performance.now() - startedAt : 0});
    finish = () => {};
  };
  timer = setTimeout(() => end("crashed", "the sandbox did not start"), START_LIMIT);
  worker.onmessage = ({data}) => {
    if (data.type === "ready") {
      startedAt = performance.now();
      clearTimeout(timer);
      timer = setTimeout(() => end("timeout"), timeLimit);
      onStart(startedAt);
    } else if (data.type === "done") {
      end("done");
    } else {
      onMessage(data);
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    end("crashed", event.message || "the sandbox failed to load");
  };
  worker.postMessage({code});
  return {stop: () => end("stopped"), done};
}

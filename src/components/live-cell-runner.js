// Runs one cell's code in a fresh Web Worker (live-cell-worker.ts) and ends it on
// Stop, on the time limit, or when the code is done. Terminating the worker is the
// only reliable way to stop `while (true) {}`; the page's thread is never blocked.
// The worker answers over a MessageChannel whose port it receives with the code and
// keeps out of the cell's reach: whatever the cell posts with self.postMessage is
// ignored, so it cannot fake progress, "done" or a fresh start of the time limit.

const START_LIMIT = 30_000; // loading lib into a new worker; only a broken build takes this long

/** The time limit's bounds in seconds, as the field beside Run states them. */
export const TIME_LIMIT = {min: 1, max: 600};

/** Seconds from the time-limit field's text, or an Error saying what is wrong ("abc", 0, -1, 1e9, 2.5). */
export function parseTimeLimit(text) {
  const trimmed = String(text).trim();
  const shown = trimmed.length > 20 ? `${trimmed.slice(0, 20)}…` : trimmed;
  if (!/^\d+$/.test(trimmed)) return new Error(`the time limit must be a whole number of seconds from ${TIME_LIMIT.min} to ${TIME_LIMIT.max}; got “${shown}”`);
  const seconds = Number(trimmed);
  if (seconds < TIME_LIMIT.min || seconds > TIME_LIMIT.max) return new Error(`the time limit must be from ${TIME_LIMIT.min} to ${TIME_LIMIT.max} seconds; got ${shown}`);
  return seconds;
}

/**
 * Starts a run; `onMessage` receives the worker's log/plot/result/error/cut messages.
 * Returns {stop(), done}, where `done` resolves to {outcome, elapsed} with outcome
 * "done", "stopped", "timeout" or "crashed" and elapsed in milliseconds of running code.
 */
export function runCell(code, {timeLimit, onMessage, onStart = () => {}}) {
  const worker = new Worker(import.meta.resolve("./live-cell-worker.js"), {type: "module"});
  const channel = new MessageChannel();
  let startedAt = 0, timer, finish;
  const done = new Promise((resolve) => (finish = resolve));
  const end = (outcome, detail) => {
    clearTimeout(timer);
    worker.terminate();
    channel.port1.close();
    finish({outcome, detail, elapsed: startedAt ? performance.now() - startedAt : 0});
    finish = () => {};
  };
  timer = setTimeout(() => end("crashed", "the sandbox did not start"), START_LIMIT);
  channel.port1.onmessage = ({data}) => {
    if (data.type === "ready") {
      if (startedAt) return; // the clock starts once
      startedAt = performance.now();
      clearTimeout(timer);
      timer = setTimeout(() => end("timeout"), timeLimit);
      onStart(startedAt);
    } else if (data.type === "done") {
      end("done");
    } else if (data.type === "logs") {
      for (const line of data.lines) onMessage(line); // console lines come in batches (live-cell-worker.ts)
    } else {
      onMessage(data);
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    end("crashed", event.message || "the sandbox failed to load");
  };
  worker.postMessage({code, port: channel.port2}, [channel.port2]);
  return {stop: () => end("stopped"), done};
}

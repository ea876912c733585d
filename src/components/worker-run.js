// Runs one job in a fresh Web Worker and gives the page a promise and a Stop.
//
//   const run = startRun(import.meta.resolve("./components/x-worker.js"), input, {onProgress});
//   invalidation.then(() => run.terminate());   // the page cell re-ran or closed
//   button.onclick = () => run.stop();
//   const result = await run.done;
//
// The protocol the worker implements (see lab-worker.ts for one):
//   main → worker  {type: "start", input}            once, right after creation
//   main → worker  {type: "stop"}                    when the reader presses Stop
//   worker → main  {type: "progress", ...anything}   any number of times → onProgress(message)
//   worker → main  {type: "done", result}            exactly once → `done` resolves with result
//   worker → main  {type: "error", message}          instead of done → `done` rejects with Error(message)
// A worker that honours "stop" finishes early and still answers "done" with its
// partial result. One that does not answer within `stopTimeout` ms (stuck in a long
// synchronous call) is terminated and `done` resolves to {status: "stopped", terminated: true}.
// The worker is always terminated once `done` settles. `transfer` lists buffers to
// move rather than copy into the worker (they become unusable in the page).

/** Starts `workerUrl` as a module worker on `input`; returns {done, stop, terminate}. */
export function startRun(workerUrl, input, {onProgress = () => {}, transfer = [], stopTimeout = 1000} = {}) {
  const worker = new Worker(workerUrl, {type: "module"});
  let settle, fail, finished = false, stopTimer;
  const done = new Promise((resolve, reject) => ((settle = resolve), (fail = reject)));
  const finish = (callback, value) => {
    if (finished) return;
    finished = true;
    clearTimeout(stopTimer);
    worker.terminate();
    callback(value);
  };
  worker.onmessage = ({data}) => {
    if (data?.type === "progress") onProgress(data);
    else if (data?.type === "done") finish(settle, data.result);
    else if (data?.type === "error") finish(fail, new Error(data.message));
  };
  worker.onerror = (event) => {
    event.preventDefault?.();
    finish(fail, new Error(event.message || "the worker failed to start (see the console)"));
  };
  worker.postMessage({type: "start", input}, transfer);
  return {
    done,
    /** Asks the worker to finish early with what it has. */
    stop() {
      if (finished) return;
      worker.postMessage({type: "stop"});
      stopTimer = setTimeout(() => finish(settle, {status: "stopped", terminated: true}), stopTimeout);
    },
    /** Ends the worker at once; `done` resolves to {status: "stopped", terminated: true}. */
    terminate() {
      finish(settle, {status: "stopped", terminated: true});
    }
  };
}

// A long-lived worker answering requests, for the Adapters page (one worker keeps the
// base and the adapters decoded; sliders ask it many small questions):
//
//   const worker = AdapterWorker(import.meta.resolve("./components/adapters-worker.js"));
//   invalidation.then(() => worker.terminate());
//   const accuracy = await worker.latest("blend", {weights});   // superseded calls resolve to the newest answer
//
// Protocol: main → worker {id, type, payload}; worker → main {id, result} or {id, error}.

/** Starts the worker; `call` queues a request, `latest` coalesces a burst of one type to its last request. */
export function AdapterWorker(url) {
  const worker = new Worker(url, {type: "module"});
  const pending = new Map();
  const waiting = new Map(); // type -> {payload, resolvers} not yet sent, while one of that type runs
  const running = new Set();
  let nextId = 0;
  worker.onmessage = ({data}) => {
    const {resolve, reject} = pending.get(data.id) ?? {};
    pending.delete(data.id);
    if (data.error !== undefined) reject?.(new Error(data.error));
    else resolve?.(data.result);
  };
  worker.onerror = (event) => {
    event.preventDefault?.();
    for (const {reject} of pending.values()) reject(new Error(event.message || "the adapters worker failed to start"));
    pending.clear();
  };
  function call(type, payload, transfer = []) {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, {resolve, reject});
      worker.postMessage({id, type, payload}, transfer);
    });
  }
  function latest(type, payload) {
    return new Promise((resolve, reject) => {
      if (running.has(type)) {
        const queued = waiting.get(type) ?? {resolvers: []};
        queued.payload = payload;
        queued.resolvers.push({resolve, reject});
        waiting.set(type, queued);
        return;
      }
      running.add(type);
      const settle = (ok, value) => {
        running.delete(type);
        (ok ? resolve : reject)(value);
        const queued = waiting.get(type);
        if (!queued) return;
        waiting.delete(type);
        latest(type, queued.payload).then(
          (result) => queued.resolvers.forEach((r) => r.resolve(result)),
          (error) => queued.resolvers.forEach((r) => r.reject(error))
        );
      };
      call(type, payload).then((result) => settle(true, result), (error) => settle(false, error));
    });
  }
  return {call, latest, terminate: () => worker.terminate()};
}

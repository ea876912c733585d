// The worker side of worker-run.js's protocol, written once for every experiment:
// the worker module calls `serveExperiment(start)`, where `start(input)` builds a
// SlicedExperiment. Work runs in slices of ~`sliceMs`; between slices the worker
// posts {type: "progress", ...experiment.progress()} and returns to its event loop,
// so a "stop" message is seen within one slice. It ends with exactly one
// {type: "done", result} (status "done", "stopped" or "error": a failing step keeps
// what ran before it), or {type: "error", message} when `start` itself throws
// (bad input: nothing ran).

/** What a worker slices: one unit of work at a time, progress between slices, a result at the end. */
export interface SlicedExperiment<Progress extends object, Result> {
  /** One unit of work (a training step); true once there is nothing left to do. */
  advance(): boolean;
  /** What the page sees between slices. */
  progress(): Progress;
  /** The final result; also when stopped early, or after a step threw (`error` is its message). */
  result(status: "done" | "stopped" | "error", error?: string): Result;
}

/**
 * A SlicedExperiment stepping `generator` (lib's experiments yield progress and return
 * their result): `result` builds the final message from the status, the generator's
 * return value (undefined unless "done"), the last progress and the error's message.
 */
export function sliceGenerator<Progress extends object, Value, Result>(
  generator: Generator<Progress, Value>,
  initial: Progress,
  result: (status: "done" | "stopped" | "error", value: Value | undefined, progress: Progress, error?: string) => Result
): SlicedExperiment<Progress, Result> {
  let progress = initial, value: Value | undefined;
  return {
    advance() {
      const next = generator.next();
      if (next.done) value = next.value;
      else progress = next.value;
      return next.done === true;
    },
    progress: () => progress,
    result: (status, error) => result(status, value, progress, error)
  };
}

// A message to ourselves is a zero-delay yield (setTimeout clamps to ≥ 4 ms when nested).
const channel = new MessageChannel();
let wake: (() => void) | null = null;
channel.port1.onmessage = () => wake?.();
const yieldToEvents = () => new Promise<void>((resolve) => ((wake = resolve), channel.port2.postMessage(null)));

/** Answers worker-run.js's "start" and "stop" messages by slicing the experiment `start(input)` builds. */
export function serveExperiment<Input, Progress extends object, Result>(
  start: (input: Input) => SlicedExperiment<Progress, Result>,
  {sliceMs = 30} = {}
): void {
  let stopRequested = false;
  self.onmessage = async ({data}: MessageEvent<{type: "start"; input: Input} | {type: "stop"}>) => {
    if (data.type === "stop") {
      stopRequested = true;
      return;
    }
    let experiment: SlicedExperiment<Progress, Result>;
    try {
      experiment = start(data.input);
    } catch (error) {
      self.postMessage({type: "error", message: (error as Error).message});
      return;
    }
    self.postMessage({type: "progress", ...experiment.progress()});
    let status: "done" | "stopped" | "error" = "done", message: string | undefined;
    try {
      for (let finished = false; !finished; ) {
        const sliceEnd = performance.now() + sliceMs;
        while (!finished && performance.now() < sliceEnd) finished = experiment.advance();
        if (finished) break;
        self.postMessage({type: "progress", ...experiment.progress()});
        await yieldToEvents();
        if (stopRequested) {
          status = "stopped";
          break;
        }
      }
    } catch (error) {
      status = "error";
      message = (error as Error).message;
    }
    const result = experiment.result(status, message);
    self.postMessage({type: "progress", ...experiment.progress()});
    self.postMessage({type: "done", result});
  };
}

// The `lora` API: everything pages, workers, data loaders, tests and live cells use.
export * from "./matrix/index.js";
export * from "./random.js";

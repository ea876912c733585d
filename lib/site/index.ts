// The site wing: each page's experiments (datasets, base models, the lab's setup and
// runs, the rank experiments, the adapters shelf, the savings presets). Pure TypeScript
// like the engine, importing only the engine's public API (lib/index.ts).
export * from "./lab/index.js";
export * from "./adapters/index.js";
export * from "./rank/index.js";
export * from "./savings/index.js";
export * from "./variants/index.js";
export * from "./where/index.js";

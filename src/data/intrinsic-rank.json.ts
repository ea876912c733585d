// Build-time run of the "Intrinsic rank" experiment at its default settings: the
// same seeded code the page's worker runs (lib/site/rank/rank.ts), so the page
// shows these results at once and a live run with the defaults reproduces them.
import {defaultRankSettings, runRankExperiment} from "../../lib/site/index.js";
import {useFastKernels} from "../../lib/index.js";

// The WebAssembly SIMD matmuls, as the page's worker uses them: lib leaves the engine to its importer.
useFastKernels();

const results = runRankExperiment(defaultRankSettings);
// Five significant digits are more than any chart or table shows, and keep the file small.
const compact = (_key: string, value: unknown) => (typeof value === "number" && !Number.isInteger(value) ? Number(value.toPrecision(5)) : value);
process.stdout.write(JSON.stringify(results, compact));

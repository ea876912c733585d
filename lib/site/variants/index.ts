// The Variants page: the method comparison, the rank sweep, forgetting, and merging into NF4.
export * from "./compare.js";
export * from "./merge-nf4.js";

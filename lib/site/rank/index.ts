// Experiments the pages run live and the data loaders run at build time: the same code, seeded.
export * from "./fit.js";
export * from "./elbow.js";
export * from "./rank.js";

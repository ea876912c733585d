// The rank-analysis module: SVD, spectra, adapter subspace similarity (eq. 4),
// the §7.3 amplification table and a planted low-rank task with a known answer.
export * from "./svd.js";
export * from "./spectrum.js";
export * from "./subspace.js";
export * from "./amplification.js";
export * from "./planted.js";

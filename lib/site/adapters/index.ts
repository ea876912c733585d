// The Adapters page: views of the digits, the shelf of adapters, how they are trained, and the page's two experiments (blend line, serving timing).
export * from "./shelf.js";
export * from "./experiments.js";

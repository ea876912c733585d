// The Adapters page: views of the digits, the shelf of adapters and how they are trained.
export * from "./shelf.js";

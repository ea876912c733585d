// The Parameter savings page: model presets and the calculator.
export * from "./savings.js";

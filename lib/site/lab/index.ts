// The Fine-tune lab's tasks: datasets (digits, names; the GPT's text from the Where page), base models, their pretraining, the setup a
// reader edits (and the URL stores), and one run shared by the worker and the loader.
export * from "./config.js";
export * from "./digits.js";
export * from "./names.js";
export * from "./models.js";
export * from "./setup.js";
export * from "./lab.js";
export * from "./pretrain.js";
export * from "./gpt.js";

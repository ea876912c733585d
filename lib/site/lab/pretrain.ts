// Pretraining the lab's base models (run by the build-time loaders, seeded, so the
// same commit gives the same weights): digits on 0–4, letters on English words.
import {Adam, type Dataset, evaluate, type Module, rng, Trainer} from "../../index.js";
import {digits, names, tasks} from "./config.js";
import {type DigitSet, digitsDataset, selectDigits} from "./digits.js";
import {buildModel} from "./lab.js";
import {cleanWords, sampleWords, splitWords, wordWindows} from "./names.js";

/** A pretrained model and how it scores on its own held-out data. */
export interface Pretrained {
  model: Module;
  testLoss: number;
  testAccuracy: number;
  trainExamples: number;
}

function train(model: Module, data: Dataset, test: Dataset, {steps, batchSize, lr, seed}: {steps: number; batchSize: number; lr: number; seed: number}): Pretrained {
  const trainer = new Trainer({model, optimizer: new Adam(model.trainableParameters(), {lr}), data, batchSize, seed});
  for (let i = 0; i < steps; i++) trainer.step();
  const {loss, accuracy} = evaluate(model, test);
  return {model, testLoss: loss, testAccuracy: accuracy ?? NaN, trainExamples: data.inputs.rows};
}

/** The digits base: an MLP trained on the source classes (0–4). */
export function pretrainDigits(set: DigitSet): Pretrained {
  const classes = digits.sourceClasses;
  const model = buildModel(tasks.digits, digits.pretrain.seed);
  return train(model, digitsDataset(selectDigits(set, classes, "train"), classes), digitsDataset(selectDigits(set, classes, "test"), classes), digits.pretrain);
}

/** The names base: a letter model trained on a seeded sample of English words. */
export function pretrainNames(englishWords: readonly string[]): Pretrained & {words: number} {
  const words = sampleWords(cleanWords(englishWords), names.pretrainWords, rng(names.pretrain.seed));
  const {train: trainWords, test: testWords} = splitWords(words);
  const model = buildModel(tasks.names, names.pretrain.seed);
  const context = names.sizes.context;
  return {...train(model, wordWindows(trainWords, context), wordWindows(testWords.slice(0, 1000), context), names.pretrain), words: words.length};
}

// What every optimizer shares: the list of parameters it updates (only trainable
// ones: freezing a weight means not listing it), a validated learning rate, and
// a count of the state bytes it keeps (the memory LoRA saves).
import {checkNonNegative} from "../check.js";
import {type Parameter, zeroGrad} from "../nn/parameter.js";

/** Base class: subclasses implement `update` for one parameter and `stateBytes`. */
export abstract class Optimizer {
  readonly parameters: readonly Parameter[];
  /** Number of `step()` calls so far (Adam's bias correction uses it). */
  stepCount = 0;
  private learningRate = 0;

  constructor(parameters: readonly Parameter[], lr: number) {
    const seen = new Set<Parameter>();
    for (const p of parameters) {
      if (!p.trainable) throw new RangeError(`parameters: "${p.name}" is frozen (trainable: false); pass only trainable parameters`);
      if (seen.has(p)) throw new RangeError(`parameters: "${p.name}" is listed twice`);
      seen.add(p);
    }
    this.parameters = [...parameters];
    this.lr = lr;
  }

  /** The base learning rate; each parameter uses lr · options.lrMultiplier. */
  get lr(): number {
    return this.learningRate;
  }

  set lr(value: number) {
    checkNonNegative("lr", value);
    this.learningRate = value;
  }

  /** Applies one update to every listed parameter from its accumulated gradient. */
  step(): void {
    this.stepCount++;
    for (const p of this.parameters) this.update(p, this.learningRate * p.options.lrMultiplier);
  }

  /** Zeroes the gradients of the listed parameters. */
  zeroGrad(): void {
    zeroGrad(this.parameters);
  }

  /** Bytes of optimizer state (moments, velocities) held for the listed parameters. */
  abstract stateBytes(): number;

  protected abstract update(p: Parameter, lr: number): void;
}

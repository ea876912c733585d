// Element-wise activations. Each caches its input and multiplies dy by the local
// derivative in backward; none has parameters. Each class writes its own loops
// (rather than calling f(x) per element through a shared base) so V8 compiles
// them to tight code: a virtual call per element made ReLU 10× slower.
import {
  type Matrix, SIMD_ELEMENTWISE_MIN, fastKernelsActive, geluBackwardWasm, geluWasm, matrix, reluBackwardWasm, reluWasm
} from "../matrix/index.js";
import {type BackwardOptions, Module, cached, checkGradShape, noInputGrad} from "./module.js";

/** Caching and shape checks shared by the activations. */
abstract class Activation extends Module {
  protected input?: Matrix;

  /** Remembers x and returns a fresh output of its shape. */
  protected begin(x: Matrix): Matrix {
    this.input = x;
    return matrix(x.rows, x.cols);
  }

  /** The cached x and a fresh dx, or null when dx was not asked for. */
  protected beginBackward(dy: Matrix, inputGrad: boolean): {x: Matrix; dx: Matrix | null} {
    const x = cached(this.kind, this.input);
    checkGradShape(this.kind, dy, x.rows, x.cols);
    return {x, dx: inputGrad ? matrix(x.rows, x.cols) : null};
  }
}

/**
 * max(0, x); the derivative at 0 is taken as 0, as in PyTorch. The loops are
 * branch-free ((x + |x|)/2, dy·[x > 0]): on random signs a branch mispredicts
 * half the time, which made this layer cost as much as a small matmul. Large
 * batches take the SIMD kernels while the wasm engine is active (same values).
 */
export class ReLU extends Activation {
  readonly kind = "ReLU";

  forward(x: Matrix): Matrix {
    const y = this.begin(x), input = x.data, out = y.data;
    if (input.length >= SIMD_ELEMENTWISE_MIN && fastKernelsActive() && reluWasm(input, out)) return y;
    for (let i = 0; i < input.length; i++) {
      const v = input[i];
      out[i] = (v + Math.abs(v)) * 0.5; // exact: doubling and halving are exact in binary
    }
    return y;
  }

  backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    const {x, dx} = this.beginBackward(dy, inputGrad);
    if (!dx) return noInputGrad(x.rows);
    const input = x.data, grad = dy.data, out = dx.data;
    if (input.length >= SIMD_ELEMENTWISE_MIN && fastKernelsActive() && reluBackwardWasm(input, grad, out)) return dx;
    for (let i = 0; i < input.length; i++) out[i] = grad[i] * +(input[i] > 0);
    return dx;
  }
}

/** tanh(x); d/dx = 1 − tanh². */
export class Tanh extends Activation {
  readonly kind = "Tanh";

  forward(x: Matrix): Matrix {
    const y = this.begin(x), input = x.data, out = y.data;
    for (let i = 0; i < input.length; i++) out[i] = Math.tanh(input[i]);
    return y;
  }

  backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    const {x, dx} = this.beginBackward(dy, inputGrad);
    if (!dx) return noInputGrad(x.rows);
    const input = x.data, grad = dy.data, out = dx.data;
    for (let i = 0; i < input.length; i++) {
      const t = Math.tanh(input[i]);
      out[i] = grad[i] * (1 - t * t);
    }
    return dx;
  }
}

const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * GELU with the tanh approximation (PyTorch's `approximate="tanh"`, GPT-2's):
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), not the exact erf form. The tanh of
 * forward is kept for backward, and computed as 1 − 2/(e^{2u} + 1): in V8 one
 * Math.exp costs less than Math.tanh, and this layer was a seventh of a GPT step.
 * While the wasm engine runs, both directions take the SIMD kernel (a polynomial e^x,
 * lib/wasm/assembly/exp.ts), which agrees with these loops to a few float32 ulps.
 */
export class GELU extends Activation {
  readonly kind = "GELU";
  private tanhInner?: Float32Array;

  forward(x: Matrix): Matrix {
    const y = this.begin(x), input = x.data, out = y.data;
    const tanhInner = this.tanhInner?.length === input.length ? this.tanhInner : new Float32Array(input.length);
    this.tanhInner = tanhInner;
    if (fastKernelsActive() && geluWasm(input, out, tanhInner)) return y;
    for (let i = 0; i < input.length; i++) {
      const v = input[i];
      const t = 1 - 2 / (Math.exp(2 * GELU_C * (v + 0.044715 * v * v * v)) + 1); // tanh; ±1 at overflow, never NaN
      tanhInner[i] = t;
      out[i] = 0.5 * v * (1 + t);
    }
    return y;
  }

  backward(dy: Matrix, {inputGrad = true}: BackwardOptions = {}): Matrix {
    const {x, dx} = this.beginBackward(dy, inputGrad);
    if (!dx) return noInputGrad(x.rows);
    const input = x.data, grad = dy.data, out = dx.data, tanhInner = this.tanhInner as Float32Array;
    if (fastKernelsActive() && geluBackwardWasm(input, tanhInner, grad, out)) return dx;
    for (let i = 0; i < input.length; i++) {
      const v = input[i], t = tanhInner[i];
      const dInner = GELU_C * (1 + 3 * 0.044715 * v * v);
      out[i] = grad[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dInner);
    }
    return dx;
  }
}

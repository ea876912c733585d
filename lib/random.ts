// One seeded source of randomness for the whole library: d3-random's linear
// congruential generator, with its normal and uniform draws. Every function that
// draws takes an Rng, so the same seed gives the same curve in the page, in a
// worker, in a data loader and in a test.
import {randomLcg, randomNormal, randomUniform} from "d3-random";

/** A seeded random source: uniform in [0, 1), plus normal and integer draws. */
export interface Rng {
  /** Uniform in [0, 1). */
  random(): number;
  /** Gaussian with the given mean and standard deviation. */
  normal(mean?: number, std?: number): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** A whole number in [0, n). */
  int(n: number): number;
}

/** A seeded Rng; the seed is any finite number (d3's lcg takes [0, 1) as a fraction, others as integers). */
export function rng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const source = randomLcg(seed);
  const standardNormal = randomNormal.source(source)(0, 1);
  return {
    random: source,
    normal: (mean = 0, std = 1) => mean + std * standardNormal(),
    uniform: (low, high) => randomUniform.source(source)(low, high)(),
    int: (n) => Math.floor(source() * n)
  };
}

/** Fills a Float32Array with Gaussian draws N(mean, std²). */
export function fillNormal(random: Rng, data: Float32Array, std = 1, mean = 0): Float32Array {
  for (let i = 0; i < data.length; i++) data[i] = random.normal(mean, std);
  return data;
}

/** Fills a Float32Array with uniform draws in [low, high). */
export function fillUniform(random: Rng, data: Float32Array, low: number, high: number): Float32Array {
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * random.random();
  return data;
}

/** A Fisher–Yates shuffle of 0…n−1 (mini-batch order). */
export function permutation(random: Rng, n: number): Int32Array {
  const order = Int32Array.from({length: n}, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

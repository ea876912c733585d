// The build-time GPT as plain data, each choice with its reason (nanoGPT's config style).
// src/data/gpt-brown.tar.ts pretrains it; the gpt page shows it; issue #13's page adapts it.

/** Which text, how to split it, and the model and training setup. */
export const gptPretraining = {
  /** Brown corpus genres a–c (press: reportage, editorial, reviews): ~1.06 M characters of
   * edited American English; the other genres are left for adapting to a new domain. */
  genres: "abc",
  /** The last 10% of the text is held out: the model never trains on it. */
  heldOutFraction: 0.1,
  model: {
    /** 64 wide, 4 heads of 16: the smallest width where heads are not single digits wide. */
    nEmbd: 64,
    nHead: 4,
    /** 2 blocks: attention can compose (a head reading another's output), at half the cost of 4. */
    nLayer: 2,
    /** 32 characters of context: several words, enough to see attention use more than bigrams. */
    blockSize: 32
  },
  training: {
    /** Steps fit the build budget (≤ 60 s on a shared 2-core machine, ~70 ms a step there). */
    steps: 500,
    /** 16 windows × 32 characters = 512 predictions a step. */
    batch: 16,
    /** Adam at 3e-3, decayed linearly to a tenth: small models take large steps (nanoGPT's
     * shakespeare-char uses 1e-3 for 10× the parameters and 5000 steps). */
    lr: 3e-3,
    finalLrFraction: 0.1,
    /** Clip the global gradient norm at 1, as nanoGPT does. */
    clipNorm: 1,
    seed: 1
  },
  /** Held-out loss every this many steps, on the first `evalWindows` windows of the held-out text. */
  evalEvery: 50,
  evalWindows: 128,
  /** Prompts the page shows continued; temperature 0.8 trades a little variety for legibility. */
  samples: {prompts: ["the ", "he said ", "in the city "], length: 160, temperature: 0.8, seed: 7}
} as const;

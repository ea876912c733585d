import {defineConfig} from "vitest/config";

// Two projects, one per matmul engine: importing lib leaves the reference TypeScript
// kernels in place, and pages, workers and loaders call useFastKernels(). The
// "typescript" project runs every test as imported; the "wasm" project runs the
// tests that train or run layers again with the WebAssembly SIMD kernels installed.
const engineTests = [
  "nn-gradients", "nn-errors", "lora", "train", "optim", "elementwise",
  "adapter-ops", "peft", "tasks", "adapters-task", "rank-experiments", "variants",
  "variant-methods", "variants-peft", "gpt-gradients", "gpt-pytorch", "transformer-kernels", "arena"
].map((name) => `test/lib/${name}.test.ts`);

export default defineConfig({
  test: {
    // Two cores: one fork per core keeps timing-sensitive tests honest.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000, // a beforeAll that runs a whole default experiment on the TypeScript kernels
    projects: [
      {extends: true, test: {name: "typescript", include: ["test/lib/**/*.test.ts", "test/site/**/*.test.ts"]}},
      {extends: true, test: {name: "wasm", include: engineTests, setupFiles: ["test/setup/fast-kernels.ts"]}},
      // Node 20 validates relaxed SIMD only behind a flag (Chromium needs none): with
      // it, lib loads the fused multiply-add build, and the kernel tests run on that.
      {
        extends: true,
        test: {
          name: "wasm-relaxed",
          include: ["test/lib/matmul.test.ts", "test/lib/train.test.ts", "test/lib/nn-gradients.test.ts"],
          setupFiles: ["test/setup/fast-kernels.ts"],
          execArgv: ["--experimental-wasm-relaxed-simd"],
          env: {EXPECT_KERNELS_BUILD: "relaxed-simd"}
        }
      }
    ]
  }
});

import {defineConfig} from "vitest/config";

// Browser tests: one file at a time (each starts Chromium; the machine has 2 cores).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000
  }
});

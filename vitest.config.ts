import {defineConfig} from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/lib/**/*.test.ts", "test/unit/**/*.test.ts"],
    // Two cores: one fork per core keeps timing-sensitive tests honest.
    pool: "forks",
    testTimeout: 60_000
  }
});

import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Builds in tests keep their render cache in one temp folder, not in the user's ~/.cache.
    env: { ARTIFACTS_CACHE_DIR: path.join(os.tmpdir(), "artifact-press-test-cache") },
  },
});

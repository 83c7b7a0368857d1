import { defineConfig } from "vitest/config";
import os from "node:os";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "db/**/*.test.ts", "scripts/**/*.test.ts"],
    globalSetup: ["lib/testing/global-setup.ts"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Tests share one throw-away cluster; each file gets its own database cloned from a migrated template.
    fileParallelism: true,
    // vitest's default is one file fewer than the CPUs: on the 2-core machine, one file at a time. The files
    // mostly wait (on PostgreSQL, on server processes, on timers), so more run at once than there are cores:
    // on the quiet 2-core machine the whole run took 2 min 33 s with three, 2 min 47 s with four, and about
    // 3 min 20 s with two. VITEST_MAX_FORKS or --maxWorkers overrides it.
    maxWorkers: Math.max(3, os.availableParallelism() + 1),
  },
});

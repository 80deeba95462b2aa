const { availableParallelism } = require("node:os");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // swc only strips types (tsc in lint type-checks once). Cold runs measured ~1.5 s faster than
  // ts-jest, which loads and runs the TypeScript compiler in each worker (bench/, docs/performance.md).
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }] },
  // Two files a core, at most 4: the deploy checks spend most of their time waiting (the
  // provider polls each lifecycle configuration for ~55 s), so more files than cores overlap
  // those waits. Measured on 2 cores (docs/performance.md): 2 workers 387 s, 4 workers 358 s.
  maxWorkers: Math.min(4, 2 * availableParallelism()),
  // Points cdktf's matchers at the engine built by tools/engine.ts (before cdktf loads).
  setupFiles: ["<rootDir>/__tests__/engine-env.ts"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // Temporary files of the run go to one folder that is deleted at the end (none are left in /tmp);
  // the transform cache lives with the dependencies instead of in /tmp.
  globalSetup: "<rootDir>/__tests__/temp-folder-setup.ts",
  globalTeardown: "<rootDir>/__tests__/temp-folder-teardown.ts",
  cacheDirectory: "<rootDir>/node_modules/.cache/jest",
  // The engine the suite runs on: cdktf here; tools/cdktn-test.ts runs it on cdktn.
  globals: { expectedEngine: "cdktf" },
  reporters: ["default", "<rootDir>/jest-summary-reporter.js"],
};

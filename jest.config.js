/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // swc only strips types (tsc in lint type-checks once). Cold runs measured ~1.5 s faster than
  // ts-jest, which loads and runs the TypeScript compiler in each worker (bench/, docs/performance.md).
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }] },
  // Jest's default is cores - 1 workers: 1 on a 2-core machine, leaving a core idle while the
  // main process waits. Test files are independent, so use every core.
  maxWorkers: "100%",
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

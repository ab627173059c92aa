// Test tiers by folder: unit, integration (simulator), e2e (real terraform), constructs (synth).
const { availableParallelism } = require("node:os");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // TypeScript is only stripped here (swc, natively): \`npm run typecheck\` type-checks, once, before
  // jest starts. ts-jest's TypeScript transpile cost about 17 s more CPU on a cold cache for the
  // unit and constructs tiers alone (50 s against 33 s), and a clean clone always starts cold.
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        jsc: { parser: { syntax: "typescript" }, target: "es2022" },
        module: { type: "commonjs" },
      },
    ],
  },
  testTimeout: 60000,
  // Half again as many workers as cores (3 on a 2-core runner). The end-to-end tests wait a good
  // part of their time (terraform's lock timeout, CPQ's Retry-After and injected latency, retry
  // back-off, interrupts): with one worker per core the machine sat below full use for about a
  // tenth of the run. \`npm test\` on the same 2-core machine: jest 324 s with 2 workers, 289 s with
  // 3, every test passing (docs/performance.md, "npm test").
  // (Jest's own "150%" would mean 150 workers: it reads percentages above 100 as counts.)
  maxWorkers: Math.max(1, Math.floor(availableParallelism() * 1.5)),
  reporters: ["default", "<rootDir>/test/count-reporter.js"],
  // One temporary directory per run, removed at its end (test/temp-dir.js).
  globalSetup: "<rootDir>/test/global-setup.js",
  globalTeardown: "<rootDir>/test/global-teardown.js",
};

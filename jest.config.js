// Test tiers by folder: unit, integration (simulator), e2e (real terraform), constructs (synth).
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
  // e2e tests spawn terraform; two workers keep a 2-core machine responsive.
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/count-reporter.js"],
  // One temporary directory per run, removed at its end (test/temp-dir.js).
  globalSetup: "<rootDir>/test/global-setup.js",
  globalTeardown: "<rootDir>/test/global-teardown.js",
};

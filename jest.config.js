// Test tiers by folder: unit, integration (simulator), e2e (real terraform), constructs (synth).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  testTimeout: 60000,
  // e2e tests spawn terraform; two workers keep a 2-core machine responsive.
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/count-reporter.js"],
  // One temporary directory per run, removed at its end (test/temp-dir.js).
  globalSetup: "<rootDir>/test/global-setup.js",
  globalTeardown: "<rootDir>/test/global-teardown.js",
};

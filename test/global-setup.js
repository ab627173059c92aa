// One temporary directory for the run (test/temp-dir.js), then the provider's code cache warmed
// in it (test/warm-code-cache.ts; jest transforms what its global setup requires while it runs,
// so the TypeScript loads here as in the tests). First, which Node runs the tests, and so every
// process they start: under `npm test` the one package.json pins (tooling/node-runtime.ts). The
// warming asks terraform its version (test/e2e/harness.ts), and the answer, kept in the
// environment, reaches every worker: the test files do not ask again.
module.exports = async function setup(globalConfig) {
  console.log(`\nRunning on Node.js ${process.version} (${process.execPath})`);
  require("./temp-dir").setup();
  await require("./warm-code-cache.ts").warm(globalConfig);
};

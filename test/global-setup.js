// One temporary directory for the run (test/temp-dir.js), then the provider's code cache warmed
// in it (test/warm-code-cache.ts; jest transforms what its global setup requires while it runs,
// so the TypeScript loads here as in the tests).
module.exports = async function setup(globalConfig) {
  require("./temp-dir").setup();
  await require("./warm-code-cache.ts").warm(globalConfig);
};

// One temporary directory for the run (test/temp-dir.js), then the provider's code cache warmed
// in it (test/warm-code-cache.js).
module.exports = function setup() {
  require("./temp-dir").setup();
  require("./warm-code-cache").warm();
};

module.exports = require("./temp-dir").setup;

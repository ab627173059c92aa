#!/usr/bin/env node
// The `cpq-sso` command: the bundled CLI built by `npm run build` (run by `npm ci` via `prepare`),
// through its launcher (provider/cli/launcher.ts), which turns on Node's compile cache for it.
require("../dist/cli.js");

#!/usr/bin/env node
// The `cpq-sso` command: the bundled CLI built by `npm run build` (run by `npm ci` via `prepare`).
require("../dist/cpq-sso.js");

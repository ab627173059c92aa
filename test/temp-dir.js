// Jest global setup and teardown: every temporary file of a test run goes into one directory of
// its own, removed when the run ends. Tests, CDKTF's Testing.app(), terraform and the provider
// all take their temporary directory from TMPDIR (os.tmpdir()), and jest's workers and their
// children inherit it; without this a run left about a thousand directories behind (provider
// mirrors of 3 MB each, synthesized apps), which a machine's /tmp collects run after run. The
// provider's code cache goes there too, rather than into the user's ~/.cache
// (scripts/terraform-env.ts passes CPQ_SSO_CODE_CACHE on to terraform).
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const KEY = "CPQ_SSO_TEST_TMPDIR";

module.exports.setup = function setup() {
  const dir = mkdtempSync(join(tmpdir(), "cpq-sso-test-run-"));
  process.env[KEY] = dir;
  process.env.TMPDIR = dir;
  process.env.CPQ_SSO_CODE_CACHE = join(dir, "code-cache");
};

module.exports.teardown = function teardown() {
  const dir = process.env[KEY];
  if (dir) rmSync(dir, { recursive: true, force: true });
};

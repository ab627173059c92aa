// Jest global setup, second step: fill the provider's V8 code cache of this run once, through
// real terraform, so every end-to-end test starts the provider with a warm cache, as users do
// from their second run on (a warm cache once hid a bug that only a cold one passed). A plan of
// a data source against a closed loopback port loads every bundle: the plugin, zod and the CPQ
// client. Skipped, with a line saying so, where terraform or the build is missing; the tests that
// need them say so loudly themselves.
const { spawnSync } = require("node:child_process");
const { existsSync, mkdirSync, readdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const REPO = join(__dirname, "..");

/** The binary the runner (provider/cli/terraform.ts) would choose: TERRAFORM_BINARY_NAME, else terraform. */
const TERRAFORM = (process.env.TERRAFORM_BINARY_NAME || "").trim() || "terraform";

module.exports.warm = function warm() {
  const cache = process.env.CPQ_SSO_CODE_CACHE;
  const runDir = process.env.CPQ_SSO_TEST_TMPDIR;
  if (!cache || !runDir) return;
  if (!existsSync(join(REPO, "dist", "provider.js"))) return;
  if (spawnSync(TERRAFORM, ["version"]).status !== 0) return;
  const dir = join(runDir, "warm-code-cache");
  mkdirSync(dir, { recursive: true });
  const install = spawnSync(
    process.execPath,
    [join(REPO, "dist", "cpq-sso.js"), "install", "--dir", join(dir, "mirror")],
    { encoding: "utf8" },
  );
  if (install.status !== 0)
    throw new Error(`warming the code cache: install failed\n${install.stderr}`);
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: { required_providers: { cpq: { source: "cpq-sso/cpq" } } },
      provider: {
        cpq: [{ base_url: "http://127.0.0.1:9", username: "u", password: "p", max_retries: 0 }],
      },
      data: { cpq_users: { all: {} } },
    }),
  );
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    TF_CLI_CONFIG_FILE: join(dir, "mirror", "terraform.rc"),
    CPQ_SSO_CODE_CACHE: cache,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
  };
  const init = spawnSync(TERRAFORM, ["init", "-input=false", "-no-color"], { cwd: dir, env });
  if (init.status !== 0) throw new Error(`warming the code cache: terraform init failed`);
  // Fails (nothing listens there), after every bundle is loaded.
  spawnSync(TERRAFORM, ["plan", "-input=false", "-no-color"], { cwd: dir, env });
  const files = existsSync(cache) ? readdirSync(cache).filter((f) => f.endsWith(".v8cache")) : [];
  if (files.length < 3) {
    throw new Error(`warming the code cache left ${files.length} cache files in ${cache}, not 3`);
  }
};

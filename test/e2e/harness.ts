/**
 * What the end-to-end tier needs besides its fixture (test/support/e2e-fixture.ts): a `describe`
 * that needs terraform; and, from test/support (where the fixture and the reliability stack use
 * them too), the runner for the other commands the tests run (bash, node) and the provider block
 * of a JSON configuration.
 */
import { spawnSync } from "node:child_process";
import { terraformBinary } from "../../provider/cli/terraform";

/**
 * What `terraform version -json` says of the binary on the PATH: its version, or `null` when
 * there is none (or it does not answer). Asked once per test run, not twice per file: the jest
 * global setup asks first (test/global-setup.js) and keeps the answer in the environment every
 * worker inherits, keyed by the binary's name and the PATH that finds it, so neither
 * `TERRAFORM_BINARY_NAME=tofu` nor another PATH reads this one's answer; a file run without it
 * asks for itself.
 */
function askTerraform(): { readonly version: string | null } {
  const binary = terraformBinary();
  const path = process.env.PATH ?? "";
  const known = process.env[TERRAFORM_ANSWER_ENV];
  if (known !== undefined) {
    try {
      const parsed = JSON.parse(known) as { binary?: unknown; path?: unknown; version?: unknown };
      if (
        parsed.binary === binary &&
        parsed.path === path &&
        (typeof parsed.version === "string" || parsed.version === null)
      ) {
        return { version: parsed.version };
      }
    } catch {
      // Not ours, or damaged: ask terraform below.
    }
  }
  const r = spawnSync(binary, ["version", "-json"], { encoding: "utf8" });
  let version: string | null = null;
  if (r.status === 0) {
    try {
      version = (JSON.parse(r.stdout) as { terraform_version?: string }).terraform_version ?? "";
    } catch {
      // A binary that answers `version` but not in JSON is still there: of an unknown version.
      version = "";
    }
  }
  process.env[TERRAFORM_ANSWER_ENV] = JSON.stringify({ binary, path, version });
  return { version };
}

/** Where {@link askTerraform} keeps its answer for the rest of the run. */
const TERRAFORM_ANSWER_ENV = "CPQ_SSO_TEST_TERRAFORM_VERSION";

const answer = askTerraform();

/** Whether a terraform binary is on the PATH. */
export const terraformAvailable: boolean = answer.version !== null;

/**
 * `describe` when terraform is installed; otherwise a skipped block and a loud warning, so a
 * missing terraform never passes silently, and in CI (`CI=true`) a failing test instead.
 */
export function describeWithTerraform(name: string, fn: () => void): void {
  if (terraformAvailable) {
    describe(name, fn);
    return;
  }
  const why =
    `terraform is not on the PATH. These end-to-end tests need the real terraform binary ` +
    "(1.11+); install it to run them.";
  // In CI a skipped end-to-end tier would pass green with nothing tried: there it fails instead.
  if (process.env.CI === "true") {
    describe(name, () => {
      it("needs terraform, which CI must install", () => {
        throw new Error(`"${name}" cannot run in CI (CI=true): ${why}`);
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": ${why}`);
  describe.skip(name, fn);
}

/** The version of the terraform on the PATH (`1.11.4`), or undefined without one (or unknown). */
export const terraformVersion: string | undefined =
  answer.version === null || answer.version === "" ? undefined : answer.version;

/** Whether `version` (`1.14.0`, `1.16.0-rc2`) is at least `min` (`1.14`), by major and minor. */
export function versionAtLeast(version: string, min: string): boolean {
  const [a = 0, b = 0] = version.split(/[.-]/).map(Number);
  const [x = 0, y = 0] = min.split(".").map(Number);
  return a !== x ? a > x : b >= y;
}

/**
 * `describe` when the terraform on the PATH is `min` or newer (the tests of what only a newer
 * Terraform speaks: list resources, actions, identity imports). Without terraform at all it is
 * {@link describeWithTerraform}'s case: a skip here, a failure under CI=true. With an older
 * terraform it is a loud skip, also under CI=true: the project's CI installs one terraform (the
 * oldest it supports, 1.11), and a newer one cannot be installed beside it there, so an older
 * terraform is the expected state of CI, not a tier left out by mistake. A pipeline that does
 * install the newer terraform sets `CPQ_SSO_REQUIRE_TERRAFORM=<min>` (e.g. `1.14`): there an
 * older one fails instead of skipping.
 */
export function describeWithTerraformAtLeast(min: string, name: string, fn: () => void): void {
  if (terraformVersion === undefined) {
    describeWithTerraform(name, fn);
    return;
  }
  if (versionAtLeast(terraformVersion, min)) {
    describe(name, fn);
    return;
  }
  const why = `the terraform on the PATH is ${terraformVersion}; these end-to-end tests need terraform ${min}+.`;
  const required = process.env.CPQ_SSO_REQUIRE_TERRAFORM;
  if (required !== undefined && required !== "" && versionAtLeast(required, min)) {
    describe(name, () => {
      it(`needs terraform ${min}+, which CPQ_SSO_REQUIRE_TERRAFORM=${required} requires`, () => {
        throw new Error(`"${name}" cannot run: ${why}`);
      });
    });
    return;
  }
  console.warn(
    `SKIPPED "${name}": ${why} Put terraform ${min}+ on the PATH to run them (CI skips them by design; set CPQ_SSO_REQUIRE_TERRAFORM=${min} where it is installed).`,
  );
  describe.skip(name, fn);
}

export { runCommand } from "../support/run-command";
export type { RunResult } from "../support/run-command";

export { cpqProviderConfig } from "../../tooling/tf-dir";

/**
 * The Node each start of the provider names in terraform's log (`TF_LOG=debug` or lower): the
 * `node=v…` of its "plugin address" line, one per process terraform started.
 */
export function providerNodeVersions(log: string): string[] {
  return [...log.matchAll(/plugin address:.* node=(v[0-9.]+)/g)].map((m) => m[1]!);
}

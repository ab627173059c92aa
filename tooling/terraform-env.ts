import { dirname } from "node:path";
import type { BasicCredential, RunningSimulator } from "../simulator";
import { pathWithNodeFirst } from "./node-runtime";

/**
 * The environment every terraform run of this project's tests, soak and bench gets: only PATH and
 * HOME from the caller (and where the provider's code cache goes and which terraform binary
 * runs, when the caller says), the CLI configuration that finds our provider in its mirror, no
 * prompts, no colour, and no call to HashiCorp's checkpoint service (the machines have no
 * internet). PATH starts with the directory of the Node running this process, so the provider
 * terraform starts through its `#!/usr/bin/env node` line runs on that same Node: under
 * `npm test`, the Node 22 package.json pins, whatever the machine's own `node` is.
 */
export function terraformEnv(
  cliConfigFile: string,
  extra: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: pathWithNodeFirst(dirname(process.execPath)),
    HOME: process.env.HOME,
    ...codeCacheEnv(),
    // The binary the caller chose (e.g. TERRAFORM_BINARY_NAME=tofu npm test) runs everywhere.
    ...(process.env.TERRAFORM_BINARY_NAME
      ? { TERRAFORM_BINARY_NAME: process.env.TERRAFORM_BINARY_NAME }
      : {}),
    // The caller's temporary directory (the tests' run directory, test/temp-dir.js), so what
    // terraform and the provider leave there (a killed provider's socket directory) goes with it.
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    NO_COLOR: "1",
    ...extra,
  };
}

/**
 * `CPQ_SSO_CODE_CACHE` for the provider processes a command starts, when the caller set it (the
 * tests point it into their run's temporary directory, test/temp-dir.js); else nothing, and the
 * provider uses the user's cache directory.
 */
export function codeCacheEnv(): Record<string, string> {
  const dir = process.env.CPQ_SSO_CODE_CACHE;
  return dir ? { CPQ_SSO_CODE_CACHE: dir } : {};
}

/** The simulator's first administrator login (HTTP Basic), the one the tests' provider uses. */
export function siteAdministrator(sim: Pick<RunningSimulator, "credentials">): BasicCredential {
  const admin = sim.credentials.basic.find((c) => c.admin);
  if (!admin) throw new Error("the simulator has no administrator credentials");
  return admin;
}

/** The provider's site and credentials for a simulator: its URL and its administrator login. */
export function cpqEnv(sim: Pick<RunningSimulator, "url" | "credentials">): Record<string, string> {
  const admin = siteAdministrator(sim);
  return { CPQ_BASE_URL: sim.url, CPQ_USERNAME: admin.username, CPQ_PASSWORD: admin.password };
}

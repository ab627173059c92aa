/**
 * Bundling a TypeScript entry as the build bundles the provider (one self-contained file, a node
 * shebang when it is to run as a plugin), and installing the fixture provider into a temporary
 * mirror: for the plugin tests and the bench's trivial provider.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProvider } from "../provider/cli/install";
import type { InstallResult } from "../provider/cli/install";

/**
 * Bundles a TypeScript entry into one self-contained CommonJS file in a new temp dir, as the build
 * bundles the provider; returns the file. `executable` adds a node shebang.
 */
export async function bundleForTests(entry: string, executable = false): Promise<string> {
  // esbuild is a dev dependency, loaded only by the callers that bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { build } = require("esbuild") as typeof import("esbuild");
  const out = join(mkdtempSync(join(tmpdir(), "cpq-sso-fixture-")), "provider.js");
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    ...(executable ? { banner: { js: "#!/usr/bin/env node" } } : {}),
    logLevel: "warning",
  });
  return out;
}

/** Bundles the fixture provider (`tooling/plugin-fixture-main.ts`) into a temp dir; returns the file. */
export function bundleFixtureProvider(): Promise<string> {
  return bundleForTests(join(__dirname, "plugin-fixture-main.ts"), true);
}

/** Bundles and installs the fixture provider into a fresh mirror. */
export async function installFixtureProvider(): Promise<InstallResult & { dir: string }> {
  const bundle = await bundleFixtureProvider();
  const dir = mkdtempSync(join(tmpdir(), "cpq-sso-fixture-mirror-"));
  return { ...installProvider({ dir, bundle }), dir };
}

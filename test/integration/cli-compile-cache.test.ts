/**
 * The `cpq-sso` command as a user's shell runs it (`bin/cpq-sso.js`, on the built CLI) keeps
 * Node's compile cache of its 3 MB bundle where the provider keeps its code cache, under the same
 * rules: a `cli` folder of the user's own private cache directory, nothing when
 * `CPQ_SSO_CODE_CACHE=off`, and nothing in a directory others can write to (provider/cli/launcher.ts).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as nodeModule from "node:module";
import { join } from "node:path";

const BIN = join(__dirname, "..", "..", "bin", "cpq-sso.js");
/** Node 22.1 and later have a compile cache; on an older Node the CLI runs without one. */
const nodeHasCompileCache =
  typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === "function";

let root: string;
beforeAll(() => {
  if (!existsSync(join(__dirname, "..", "..", "dist", "cli.js"))) {
    throw new Error("dist/cli.js is missing: run `npm run build` first (npm test does).");
  }
  root = mkdtempSync(join(tmpdir(), "cpq-sso-cli-cache-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `cpq-sso version` with the code cache setting; its exit code and what it printed. */
function version(setting: string): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [BIN, "version"], {
    env: { PATH: process.env.PATH, CPQ_SSO_CODE_CACHE: setting },
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout };
}

/** Every file below `dir`. */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe("the cpq-sso command's compile cache", () => {
  it("is kept in the cli folder of the code cache directory, and the command answers the same with it", () => {
    const cache = join(root, "own");
    const first = version(cache);
    const second = version(cache);
    expect(first.status).toBe(0);
    expect(second).toEqual(first);
    expect(first.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const files = filesBelow(join(cache, "cli"));
    if (nodeHasCompileCache) expect(files.length).toBeGreaterThan(0);
    else expect(files).toEqual([]);
  });

  it("is not written when the code cache is turned off", () => {
    const before = readdirSync(root);
    expect(version("off").status).toBe(0);
    expect(readdirSync(root)).toEqual(before);
  });

  it("is not used in a directory others can write to: the command still runs, writing nothing there", () => {
    const open = join(root, "open");
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(version(open).status).toBe(0);
    expect(filesBelow(open)).toEqual([]);
  });
});

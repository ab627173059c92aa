/**
 * One version, one build: a second build of the same source, into another directory, gives the
 * same bytes for every file the package ships, so the provider that `cpq-sso install` puts in a
 * mirror keeps the checksum a team committed in `.terraform.lock.hcl`.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const REPO = join(__dirname, "..", "..");
const DIST = join(REPO, "dist");

/** Every file below `dir` the package ships (source maps and the test counts stay behind). */
function shipped(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!name.endsWith(".map") && name !== "test-counts.json") {
        out.set(relative(dir, path), createHash("sha256").update(readFileSync(path)).digest("hex"));
      }
    }
  };
  walk(dir);
  return out;
}

describe("the build", () => {
  it("gives the same bytes for every shipped file when built again elsewhere", () => {
    if (!existsSync(join(DIST, "provider.js"))) {
      throw new Error("dist/ is missing: run `npm run build` first (npm test does).");
    }
    const again = mkdtempSync(join(tmpdir(), "cpq-sso-build-"));
    const r = spawnSync(process.execPath, [join(REPO, "scripts", "build.mjs")], {
      cwd: REPO,
      env: { ...process.env, CPQ_SSO_BUILD_DIR: again },
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const first = shipped(DIST);
    const second = shipped(again);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    const differing = [...first].filter(([f, hash]) => second.get(f) !== hash).map(([f]) => f);
    expect(differing).toEqual([]);
    // The comparison covers the provider, its companions and both constructs builds.
    expect(first.size).toBeGreaterThan(100);
    expect(first.has("provider.js")).toBe(true);
    expect(first.has(join("lib", "cdktn", "constructs", "index.d.ts"))).toBe(true);
  }, 120_000);
});

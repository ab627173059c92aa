/**
 * The built provider executable (`dist/provider.js`, from `npm run build`) and its V8 code cache:
 * a process that ends badly leaves no cache file behind. Here, not in test/unit, because it runs
 * the build's output (test/unit/plugin-code-cache.test.ts covers the cache with fixture bundles).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "cpq-sso-code-cache-built-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the provider executable's code cache", () => {
  const bundle = join(__dirname, "..", "..", "dist", "provider.js");

  it("is not written by a process that ends badly (here: started by hand, without Terraform)", () => {
    if (!existsSync(bundle)) throw new Error("dist/provider.js is missing: run `npm run build`.");
    const cache = join(root, "cache-real");
    const r = spawnSync(process.execPath, [bundle], {
      env: { PATH: process.env.PATH, CPQ_SSO_CODE_CACHE: cache },
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Terraform plugin");
    expect(readdirSync(cache)).toEqual([]);
  });
});

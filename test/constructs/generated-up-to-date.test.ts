import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

describe("generated code", () => {
  it("matches what npm run generate makes from the current attribute tables", () => {
    const result = spawnSync(
      process.execPath,
      [require.resolve("tsx/cli"), "scripts/generate.ts", "--check"],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } },
    );
    // The check lists the stale files on stderr; show them when it fails.
    expect({ status: result.status, stderr: result.status === 0 ? "" : result.stderr }).toEqual({
      status: 0,
      stderr: "",
    });
  });
});

/**
 * The one terraform runner (provider/cli/terraform.ts), with a stand-in binary chosen through
 * TERRAFORM_BINARY_NAME: output capture, the time limit that takes the whole process group with
 * it, and the message when the binary is missing.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTerraform, terraformBinary } from "../../provider/cli/terraform";

describe("the terraform runner", () => {
  const dir = mkdtempSync(join(tmpdir(), "cpq-sso-runner-"));
  const script = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const env = (binary: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    TERRAFORM_BINARY_NAME: binary,
  });

  it("runs the binary the user chose, and captures its output and exit code", async () => {
    const fake = script("fake-terraform", 'echo "args: $*"; echo oops >&2; exit 3');
    expect(terraformBinary(env(fake))).toBe(fake);
    expect(terraformBinary({})).toBe("terraform");
    await expect(
      runTerraform(["plan", "-no-color"], { cwd: dir, env: env(fake) }),
    ).resolves.toEqual({
      code: 3,
      stdout: "args: plan -no-color\n",
      stderr: "oops\n",
      timedOut: false,
    });
  });

  it("kills terraform and what it started (its plugins) at the time limit", async () => {
    const pidFile = join(dir, "child.pid");
    const hung = script("hung-terraform", `sleep 30 & echo $! > "${pidFile}"; wait`);
    const r = await runTerraform(["apply"], { cwd: dir, env: env(hung), timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    const child = Number(readFileSync(pidFile, "utf8"));
    await new Promise((res) => setTimeout(res, 100));
    const alive = (() => {
      try {
        const stat = readFileSync(`/proc/${child}/stat`, "utf8");
        return !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
      } catch {
        return false;
      }
    })();
    expect(alive).toBe(false);
  });

  it("says which binary is missing and how to choose another", async () => {
    await expect(
      runTerraform(["version"], {
        cwd: dir,
        env: env(join(dir, "no-such-terraform")),
        purpose: "the drift check",
      }),
    ).rejects.toThrow(
      /no-such-terraform is not on the PATH; the drift check runs it\. Install terraform 1\.11 or later, or set TERRAFORM_BINARY_NAME/,
    );
  });
});

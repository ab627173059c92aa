/**
 * `cpq-sso install --dir` trusts only a directory no other user can change, and never follows a
 * link when it writes (issue 24, deliver 3): a terraform.rc link planted by another user
 * redirected the write onto a file of the victim's, and a mirror swapped after install ran the
 * attacker's program at `terraform plan`.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProvider, runInstall } from "../../provider/cli/install";
import { UntrustedPathError, writeFileNoFollow } from "../../provider/cli/safe-fs";

const posix = process.platform !== "win32";
const itPosix = posix ? it : it.skip;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "cpq-sso-install-trust-"));
}

/** A provider bundle of the smallest kind install accepts: an executable script. */
function bundle(dir: string): string {
  const file = join(dir, "provider.js");
  writeFileSync(file, "#!/usr/bin/env node\nprocess.exit(0);\n");
  return file;
}

describe("cpq-sso install --dir", () => {
  itPosix("refuses a directory every user can write, naming the mode and the fix", () => {
    const base = scratch();
    const dir = join(base, "shared");
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(() => installProvider({ dir, bundle: bundle(base) })).toThrow(UntrustedPathError);
    expect(() => installProvider({ dir, bundle: bundle(base) })).toThrow(
      /writable by every user \(mode 0777\) without the sticky bit.*chmod go-w/s,
    );
    expect(() => lstatSync(join(dir, "terraform.rc"))).toThrow();
  });

  itPosix("refuses a directory its group can write", () => {
    const base = scratch();
    const dir = join(base, "team");
    mkdirSync(dir);
    chmodSync(dir, 0o775);
    expect(() => installProvider({ dir, bundle: bundle(base) })).toThrow(
      /writable by its group \(mode 0775\)/,
    );
  });

  itPosix("refuses a directory under a parent others can write without the sticky bit", () => {
    const base = scratch();
    const open = join(base, "open");
    mkdirSync(open);
    chmodSync(open, 0o777);
    const dir = join(open, "mine");
    mkdirSync(dir, { mode: 0o755 });
    expect(() => installProvider({ dir, bundle: bundle(base) })).toThrow(
      /open \(a parent of .*mine\) is writable by every user/,
    );
  });

  itPosix("installs into a new directory under a sticky parent, as /tmp is", () => {
    const base = scratch();
    const sticky = join(base, "tmp");
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    const r = installProvider({ dir: join(sticky, "cpq"), bundle: bundle(base) });
    expect(readFileSync(r.cliConfigFile, "utf8")).toContain("filesystem_mirror");
    expect(lstatSync(r.executable).mode & 0o777).toBe(0o755);
  });

  itPosix("replaces a planted terraform.rc link instead of writing through it", () => {
    const base = scratch();
    const dir = join(base, "install");
    mkdirSync(dir, { mode: 0o755 });
    const victim = join(base, "victim.txt");
    writeFileSync(victim, "the victim's file\n");
    symlinkSync(victim, join(dir, "terraform.rc"));
    const r = installProvider({ dir, bundle: bundle(base) });
    expect(readFileSync(victim, "utf8")).toBe("the victim's file\n");
    expect(lstatSync(r.cliConfigFile).isSymbolicLink()).toBe(false);
    expect(lstatSync(r.cliConfigFile).mode & 0o777).toBe(0o600);
  });

  itPosix("refuses a mirror directory that is a link, rather than install through it", () => {
    const base = scratch();
    const dir = join(base, "install");
    mkdirSync(dir, { mode: 0o755 });
    const elsewhere = join(base, "elsewhere");
    mkdirSync(elsewhere, { mode: 0o755 });
    symlinkSync(elsewhere, join(dir, "mirror"));
    expect(() => installProvider({ dir, bundle: bundle(base) })).toThrow(/is a link/);
  });

  itPosix("says why on stderr with exit code 1, without a stack trace", async () => {
    const base = scratch();
    const dir = join(base, "shared");
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const writes: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      // The real bundle is not needed: the directory is refused before it is read.
      expect(await runInstall(["--dir", dir])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    const text = writes.join("");
    expect(text).toMatch(/^cpq-sso install: .*writable by every user/);
    expect(text).not.toMatch(/\n\s+at /);
  });
});

describe("writing a file without following a link", () => {
  itPosix("writes a new file of the given mode in place of a dangling link", () => {
    const base = scratch();
    const target = join(base, "target");
    symlinkSync(join(base, "nowhere"), target);
    writeFileNoFollow(target, "text", 0o640);
    expect(lstatSync(target).isFile()).toBe(true);
    expect(lstatSync(target).mode & 0o777).toBe(0o640);
    expect(() => lstatSync(join(base, "nowhere"))).toThrow();
  });
});
